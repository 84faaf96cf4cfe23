# Shared by scripts/start, scripts/test and scripts/test-package (sourced from the project root).
PYTHON=${PYTHON:-python3}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {  # Debian packages, quietly
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_venv() {  # ./.venv, with a pip new enough for readability-lxml 0.9's extra (pip 23 is not)
  if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then  # Debian ships venv apart
      echo "== installing python3-venv (apt)"
      apt_install python3-venv
    fi
    "$PYTHON" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
}

ensure_uv() {  # uv (PyPI) in ./.venv: builds the packages and resolves the lowest allowed versions
  [ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
}

install_stamp() {  # what an install depends on: the packaging files and the Python it runs on
  { cat pyproject.toml setup.py; "$PYTHON" -VV; command -v "$PYTHON"; } 2>/dev/null | cksum
}

install_quietpage() {  # ./.venv with QuietPage (editable), only when the stamp changed; quiet unless it fails
  local stamp log
  stamp=$(install_stamp)
  if [ -x .venv/bin/quietpage ] && [ "$(cat .venv/.quietpage-installed 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  echo "== installing QuietPage into ./.venv (once; again only when pyproject.toml or setup.py change)"
  log=$(mktemp)
  if ! { ensure_venv && .venv/bin/python -m pip install --disable-pip-version-check --editable .; } >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "scripts/start: installing QuietPage failed (the output is above)." >&2
    exit 1
  fi
  rm -f "$log"
  echo "$stamp" > .venv/.quietpage-installed
}

offer_path() {  # `quietpage` from anywhere: link it into ~/.local/bin (asked, once) or say how
  local here found
  here="$PWD/.venv/bin/quietpage"
  found=$(command -v quietpage 2>/dev/null || true)
  [ "$found" = "$here" ] && return 0
  if [ -n "$found" ] && [ "$(readlink -f "$found")" = "$(readlink -f "$here")" ]; then return 0; fi
  case ":$PATH:" in
    *":$HOME/.local/bin:"*)
      if [ -t 0 ] && [ -t 1 ] && [ -z "$found" ] && [ ! -f .venv/.quietpage-path-asked ]; then
        touch .venv/.quietpage-path-asked
        read -r -p "Link the quietpage command into ~/.local/bin, so it works from anywhere? [Y/n] " answer
        case "$answer" in
          [nN]*) ;;
          *) mkdir -p "$HOME/.local/bin" && ln -sf "$here" "$HOME/.local/bin/quietpage" \
               && echo "Linked: ~/.local/bin/quietpage -> $here" && return 0 ;;
        esac
      fi ;;
  esac
  if [ -n "$found" ]; then
    echo "(\`quietpage\` on your PATH is $found, not this checkout's: $here)"
  else
    echo "(To run \`quietpage\` from anywhere: ln -s $here ~/.local/bin/quietpage - with ~/.local/bin on your PATH)"
  fi
}
