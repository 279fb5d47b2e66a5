# Sourced by the bench scripts that start `sluice mock-api --listen 127.0.0.1:0`.
#
# mockapi_url FILE: waits up to 10 s for the API address mock-api prints on its stdout
# (redirected to FILE) and prints it; fails with a message if it never comes.
mockapi_url() {
    local url=""
    for _ in $(seq 100); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*/api/' "$1" || true)
        if [ -n "$url" ]; then
            echo "$url"
            return 0
        fi
        sleep 0.1
    done
    echo "mock-api did not start" >&2
    return 1
}
