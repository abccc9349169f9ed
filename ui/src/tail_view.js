// The Live tail view: the store's WebSocket tail for the current query, newest lines on top, with
// pause/resume (lines arriving while paused are kept and shown on resume) and a lines/s rate.
import { apiGet, tailSocket } from './api.js';
import { toEntries } from './entries.js';
import { queryKind } from './logql.js';
import { toNs } from './time.js';

const MAX_LINES = 5000;
const RATE_WINDOW_MS = 5000;

export class TailView {
  constructor(ui, list, status) {
    this.ui = ui;
    this.list = list;
    this.status = status;
    this.ws = null;
    this.paused = false;
    this.buffer = [];
    this.arrivals = [];
    ui.tailStart.addEventListener('click', () => (this.ws ? this.stop() : this.start(this.query)));
    ui.tailPause.addEventListener('click', () => this.togglePause());
    setInterval(() => this.showRate(), 1000);
  }

  async start(query) {
    this.stop();
    this.query = query;
    if (queryKind(query) !== 'log') { this.status('Live tail needs a log query, e.g. {job="docker"}', true); return; }
    this.list.setEntries([]);
    // A WebSocket handshake cannot answer a 401 with the browser's sign-in prompt, nor show why the
    // store refused it: a small API call first lets the browser authenticate and explains refusals.
    const attempt = this.attempt = (this.attempt || 0) + 1;
    this.status('Live tail connecting…');
    try {
      const now = Date.now();
      await apiGet('loki/api/v1/labels', { start: toNs(now - 60000), end: toNs(now) });
    } catch (e) {
      if (attempt === this.attempt) this.status(`Live tail: ${e.message}`, true);
      return;
    }
    if (attempt !== this.attempt) return;   // stopped or restarted meanwhile
    const ws = this.ws = tailSocket(query, 100);
    ws.onopen = () => this.status('Live tail connected');
    ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.controls();
      this.status(ev.code === 1000 ? 'Live tail ended by the store' :
        `Live tail closed (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}): the store refused or dropped ` +
        'the connection (check the query, credentials and querier.tail_max_duration)', ev.code !== 1000);
    };
    this.controls();
  }

  stop() {
    this.attempt = (this.attempt || 0) + 1;
    if (this.ws) { const ws = this.ws; this.ws = null; ws.close(); }
    this.paused = false;
    this.buffer = [];
    this.controls();
  }

  receive(msg) {
    const entries = toEntries(msg.streams || []);
    const now = Date.now();
    for (let i = 0; i < entries.length; i++) this.arrivals.push(now);
    if (msg.dropped_entries?.length) this.status(`${msg.dropped_entries.length} entries dropped by the store (reader too slow)`, true);
    if (this.paused) this.buffer = entries.concat(this.buffer).slice(0, MAX_LINES);
    else this.list.prepend(entries, MAX_LINES);
    this.ui.tailList.dataset.count = this.list.entries.length;
  }

  togglePause() {
    this.paused = !this.paused;
    if (!this.paused && this.buffer.length) { this.list.prepend(this.buffer, MAX_LINES); this.buffer = []; }
    this.controls();
  }

  controls() {
    this.ui.tailStart.textContent = this.ws ? 'Stop' : 'Start';
    this.ui.tailPause.disabled = !this.ws;
    this.ui.tailPause.textContent = this.paused ? 'Resume' : 'Pause';
    this.showRate();
  }

  showRate() {
    const now = Date.now();
    while (this.arrivals.length && this.arrivals[0] < now - RATE_WINDOW_MS) this.arrivals.shift();
    const rate = (this.arrivals.length / (RATE_WINDOW_MS / 1000)).toFixed(1);
    let text = this.ws ? `${rate} lines/s` : 'stopped';
    if (this.paused) text += ` · paused, ${this.buffer.length} new`;
    this.ui.tailRate.textContent = text;
  }
}
