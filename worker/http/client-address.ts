/** The last X-Forwarded-For entry: the one the trusted proxy in front of us appended. */
export function forwardedFor(header: string | null | undefined): string | null {
  const last = header?.split(',').at(-1)?.trim();
  return last ? last.slice(0, 64) : null;
}

/** Node: the peer of the socket (@hono/node-server passes `{ incoming }` as the env), or the proxy's header. */
export function nodeClientAddress(trustProxy: boolean) {
  return (request: Request, hostEnv: unknown): string | null => {
    if (trustProxy) return forwardedFor(request.headers.get('x-forwarded-for'));
    const incoming = (hostEnv as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    return incoming?.socket?.remoteAddress ?? null;
  };
}

/** Workers: Cloudflare's edge sets CF-Connecting-IP on every request. */
export const edgeClientAddress = (request: Request): string | null => request.headers.get('cf-connecting-ip')?.slice(0, 64) ?? null;
