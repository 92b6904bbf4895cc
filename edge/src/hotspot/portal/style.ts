import { createHash } from 'node:crypto';
import { PALETTE as C } from './palette.js';

/**
 * The one stylesheet, inlined in every page: no file to fetch, no web font (system fonts cover Arabic),
 * logical properties so the Arabic pages mirror by `dir` alone. Every link, button, summary and radio
 * label is at least 44 px tall (WCAG 2.5.5), which is why links are never inline in running text.
 */
export const PORTAL_CSS = [
  '*{box-sizing:border-box}',
  `html{color:${C.ink};background:${C.paper};font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;-webkit-text-size-adjust:100%;text-size-adjust:100%}`,
  'body{margin:0 auto;max-width:42rem;padding:0 1rem 1.5rem;overflow-wrap:anywhere}',
  `header{border-bottom:1px solid ${C.border};padding:.5rem 0}`,
  `footer{border-top:1px solid ${C.border};margin-top:1.5rem;padding-top:.5rem}`,
  '.brand{margin:0;font-weight:700}',
  'nav ul{list-style:none;margin:.25rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .5rem}',
  `a{color:${C.link};display:inline-flex;align-items:center;min-height:44px;min-width:44px;text-underline-offset:.2em}`,
  `.langs a{padding:0 .6rem;border:1px solid ${C.border};border-radius:.375rem;text-decoration:none}`,
  `.langs a[aria-current]{background:${C.link};color:${C.paper};border-color:${C.link}}`,
  'h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}',
  'h2{font-size:1.125rem;margin:1.25rem 0 .25rem}',
  'ul.plain{padding-inline-start:1.25rem;margin:.25rem 0}',
  'li{margin:.25rem 0}',
  `button{display:block;width:100%;min-height:3rem;margin:1rem 0 .5rem;padding:.5rem 1rem;font:inherit;font-size:1.25rem;font-weight:700;color:${C.paper};background:${C.accent};border:0;border-radius:.5rem;cursor:pointer}`,
  `:focus-visible{outline:3px solid ${C.ink};outline-offset:2px}`,
  `.note{color:${C.muted};font-size:.9375rem}`,
  '.box{padding:.5rem 1rem;border-radius:.375rem;margin:1rem 0;border-inline-start:.375rem solid}',
  '.box p{margin:.25rem 0}',
  `.alert{background:${C.alertBg};color:${C.alertInk};border-color:${C.alertEdge}}`,
  `.ok{background:${C.okBg};color:${C.okInk};border-color:${C.okInk}}`,
  `.error{background:${C.errorBg};color:${C.errorInk};border-color:${C.errorInk}}`,
  `details{margin:1rem 0;border:1px solid ${C.border};border-radius:.375rem;padding:0 .75rem}`,
  'summary{min-height:44px;padding:.6rem 0;font-weight:700;cursor:pointer}',
  'fieldset{border:0;margin:.5rem 0;padding:0}',
  'legend{font-weight:700;padding:0}',
  'label{display:flex;align-items:center;gap:.5rem;min-height:44px}',
  `input[type=radio]{width:1.375rem;height:1.375rem;margin:0;flex:none;accent-color:${C.accent}}`,
].join('');

/** The CSP allows exactly this stylesheet and nothing else: no script, no image, no other style. */
export const PORTAL_CSS_HASH = `sha256-${createHash('sha256').update(PORTAL_CSS).digest('base64')}`;
