/**
 * The portal's only colours. Every text/background pair the stylesheet uses is listed in CONTRAST_PAIRS,
 * and a test computes its WCAG 2.x contrast ratio: 4.5:1 for text (AA), 3:1 for boundaries and focus rings.
 */
export const PALETTE = {
  paper: '#ffffff',
  ink: '#1a1a1a',
  muted: '#4a4a4a',
  link: '#0b4f8a',
  accent: '#0a5c36',
  border: '#6b6b6b',
  alertBg: '#fff4ce',
  alertInk: '#3b2f00',
  alertEdge: '#8a6d00',
  okBg: '#e7f4ec',
  okInk: '#0a4a2b',
  errorBg: '#fdeceb',
  errorInk: '#7a1010',
} as const;

export type PaletteColour = keyof typeof PALETTE;

export interface ContrastPair {
  use: string;
  fg: PaletteColour;
  bg: PaletteColour;
  /** 4.5 for text, 3 for non-text (WCAG 1.4.11). */
  min: 4.5 | 3;
}

export const CONTRAST_PAIRS: readonly ContrastPair[] = [
  { use: 'body text', fg: 'ink', bg: 'paper', min: 4.5 },
  { use: 'notes', fg: 'muted', bg: 'paper', min: 4.5 },
  { use: 'links', fg: 'link', bg: 'paper', min: 4.5 },
  { use: 'the current language', fg: 'paper', bg: 'link', min: 4.5 },
  { use: '"Se connecter" label', fg: 'paper', bg: 'accent', min: 4.5 },
  { use: 'uplink-down banner', fg: 'alertInk', bg: 'alertBg', min: 4.5 },
  { use: 'connected status', fg: 'okInk', bg: 'okBg', min: 4.5 },
  { use: 'refusal message', fg: 'errorInk', bg: 'errorBg', min: 4.5 },
  { use: 'button against the page', fg: 'accent', bg: 'paper', min: 3 },
  { use: 'language and link outlines', fg: 'border', bg: 'paper', min: 3 },
  { use: 'focus ring', fg: 'ink', bg: 'paper', min: 3 },
  { use: 'banner edge', fg: 'alertEdge', bg: 'alertBg', min: 3 },
  { use: 'radio buttons (accent-color)', fg: 'accent', bg: 'paper', min: 3 },
];
