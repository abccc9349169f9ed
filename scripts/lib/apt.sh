# Sourced by the install scripts: `apt_install_missing <who> <package>...` installs, with one
# `apt-get update`, only the packages dpkg does not list as installed (idempotent, quiet when none).
apt_install_missing() {
  local who=$1
  shift
  local sudo="" p
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  local missing=()
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "$who: all $# packages present"
    return 0
  fi
  echo "$who: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
