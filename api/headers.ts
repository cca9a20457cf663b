import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * What a page served by the API may load: the dashboard (web/dist, built by vite: one module script
 * and one stylesheet, styles set from script only through the DOM) and the API docs (swagger-ui's own
 * files) need nothing but their own origin. No inline script or style, no plugin, never in a frame,
 * forms and fetches to this origin only; `data:` images for the favicon and icons.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/**
 * The API docs (swagger-ui) set inline styles from their script: allowed there only. The page shows
 * the API's own OpenAPI document, never a user's data; scripts stay limited to the own origin.
 */
export const DOCS_HELMET = {
  contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] } },
};

/** @fastify/helmet's headers on every answer, JSON and errors included. */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  // Not helmet's defaults: they allow inline styles and https: sources, and ask for https upgrades the API (plain http behind a proxy) cannot serve.
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  // TLS ends at the proxy in front of the API: HSTS is that proxy's to send, for its own domain.
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};
