# Sourced by bench/run.sh: starts and stops the one nginx that serves every input.
#
# Why nginx: the clients are measured, not the server; a Python server would saturate a
# core long before aria2 or imago do. Why port 80: gallery-dl's generic extractor drops
# the port when it resolves relative URLs.
#
# The access log records `$request $status $body_bytes_sent $http_range` so the probe
# benchmark counts the bytes the server actually sent.

# nginx_start WWW_ROOT STATE_DIR
nginx_start() {
  local www=$1 state=$2
  mkdir -p "$state/tmp"
  : >"$state/access.log"
  cat >"$state/nginx.conf" <<CONF
# Written by bench/lib/nginx.sh; the benchmark's own instance, not the system service.
user root;
worker_processes 2;
daemon on;
pid $state/nginx.pid;
error_log $state/error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format bench '\$request \$status \$body_bytes_sent "\$http_range"';
  access_log $state/access.log bench;
  client_body_temp_path $state/tmp;
  proxy_temp_path $state/tmp;
  fastcgi_temp_path $state/tmp;
  uwsgi_temp_path $state/tmp;
  scgi_temp_path $state/tmp;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:80 reuseport;
    server_name _;
    root $www;
    # A server that ignores Range (answers 200 with the whole body), for the probe.
    location /norange/ { max_ranges 0; }
  }
}
CONF
  nginx_stop "$state" 2>/dev/null || true
  if ! nginx -c "$state/nginx.conf" -p "$state" -e "$state/error.log"; then
    echo "bench: nginx did not start (is port 80 taken? see $state/error.log)" >&2
    return 1
  fi
  local i
  for i in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1/" -r 0-0 2>/dev/null && break
    [ -s "$state/nginx.pid" ] && break
    sleep 0.1
  done
  echo "bench: nginx $(cat "$state/nginx.pid") serves $www on 127.0.0.1:80" >&2
}

# nginx_stop STATE_DIR
nginx_stop() {
  local state=$1 pid
  [ -s "$state/nginx.pid" ] || return 0
  pid=$(cat "$state/nginx.pid")
  # Graceful quit lets workers finish; the pid file goes away when the master exits.
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$state/nginx.pid"
}

# nginx_rotate_log STATE_DIR: start a fresh access log (workers reopen on USR1).
nginx_rotate_log() {
  local state=$1
  : >"$state/access.log"
}
