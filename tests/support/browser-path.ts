/** Debian's Chromium, driven by playwright-core (no browser download needed). */
export const CHROMIUM = "/usr/bin/chromium";
