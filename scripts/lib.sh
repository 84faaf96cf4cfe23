# Shared by scripts/start and scripts/test (sourced from the project root).
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
