/**
 * Terminal colours that follow Starlight's light/dark theme: background, text and cursor come from Starlight's own
 * CSS variables; the 16 ANSI colours from a palette readable on that background.
 */
import type { ITheme } from '@xterm/xterm';

const DARK_ANSI = {
  black: '#1e1f24',
  red: '#ff6b81',
  green: '#7ee787',
  yellow: '#f2cc60',
  blue: '#79a8ff',
  magenta: '#d2a8ff',
  cyan: '#56d4dd',
  white: '#d0d4dc',
  brightBlack: '#6e7681',
  brightRed: '#ff9aa8',
  brightGreen: '#a6f0ae',
  brightYellow: '#ffe08a',
  brightBlue: '#a5c6ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#8be9f0',
  brightWhite: '#ffffff',
};

const LIGHT_ANSI = {
  black: '#24292f',
  red: '#c4213a',
  green: '#1a7f37',
  yellow: '#8a6100',
  blue: '#0a56c2',
  magenta: '#8250df',
  cyan: '#0b7285',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#116329',
  brightYellow: '#6d4c00',
  brightBlue: '#0842a0',
  brightMagenta: '#6639ba',
  brightCyan: '#055d6b',
  brightWhite: '#24292f',
};

/** Resolves a CSS colour expression (Starlight defines its colours in hsl()) to the rgb() form xterm.js parses. */
function resolveColor(probe: HTMLElement, expression: string): string {
  probe.style.color = expression;
  return getComputedStyle(probe).color;
}

export function currentTheme(host: HTMLElement): ITheme {
  const dark = document.documentElement.dataset['theme'] !== 'light';
  const probe = document.createElement('span');
  probe.hidden = true;
  host.append(probe);
  try {
    return {
      ...(dark ? DARK_ANSI : LIGHT_ANSI),
      background: resolveColor(probe, 'var(--sl-color-bg)'),
      foreground: resolveColor(probe, 'var(--sl-color-white)'),
      cursor: resolveColor(probe, 'var(--sl-color-accent)'),
      selectionBackground: resolveColor(probe, 'var(--sl-color-accent-low)'),
    };
  } finally {
    probe.remove();
  }
}

/** Calls `apply` whenever Starlight switches between light and dark; returns the unsubscribe. */
export function onThemeChange(apply: () => void): () => void {
  const observer = new MutationObserver(apply);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
