// Light and dark themes: a data-theme attribute on <html> (CSS variables do the rest), the choice
// kept in localStorage, the system preference as the default.
const KEY = 'skald.theme';

export function initTheme() {
  let t = localStorage.getItem(KEY);
  if (t !== 'light' && t !== 'dark') t = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = t;
}

export function toggleTheme() {
  const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = t;
  localStorage.setItem(KEY, t);
}
