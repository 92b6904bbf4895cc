/** Where a client on this machine reaches a server listening on `host` (wildcards mean loopback here). */
export function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** `scheme://host:port` for a listening server, with IPv6 literals in brackets. */
export function serverUrl(scheme: 'http' | 'mqtt', host: string, port: number): string {
  const h = connectHost(host);
  return `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
