import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The headers every answer carries (helmet): an API answer may be loaded by nothing and framed by
 * nobody (`default-src 'none'`, `frame-ancestors 'none'`), is never sniffed into another type, and
 * sends no referrer. The dashboard page and /docs replace the policy with their own, which allow
 * their own scripts and still forbid framing.
 *
 * Answers carry owners' names and phones, so none may be kept by a browser or a proxy: every answer
 * without a caching policy of its own (the page's assets have one) is `no-store`.
 */
/** Applied to the app itself, not registered as a plugin: a plugin's hooks would stay in its own scope. */
export const securityHeaders = async (app: FastifyInstance) => {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    // The server is commonly reached over plain HTTP inside a property's network; HSTS belongs
    // to the TLS-terminating proxy in front of it, which knows whether HTTPS is there.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
};

/**
 * /docs (Swagger UI) under its own policy: its scripts and styles from this server only (the
 * plugin's hashes of its inline parts), never framed, and no `upgrade-insecure-requests`, which
 * would break the page on a server reached over plain HTTP.
 */
export const docsContentSecurityPolicy = (header: string): string =>
  header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'upgrade-insecure-requests')
    .map((part) => (part.startsWith('frame-ancestors') ? "frame-ancestors 'none'" : part))
    .join('; ');
