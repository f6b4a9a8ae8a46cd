/**
 * /assets/login.css: the login, success and error pages. Readable at 320px,
 * visible focus rings, contrast that holds for the default accent; a bot's
 * `primaryColor` only overrides `--primary` (/assets/theme/<bot>.css).
 */
export const LOGIN_CSS = `:root {
  --primary: #1f5fbf;
  --on-primary: #ffffff;
  --text: #1b1f24;
  --muted: #545d68;
  --border: #8a939e;
  --error: #b3261e;
  --surface: #ffffff;
  --background: #f3f5f8;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 100%; line-height: 1.5; color: var(--text); background: var(--background); }
body { margin: 0; min-height: 100vh; display: flex; align-items: flex-start; justify-content: center; padding: 1rem; }
.card { width: 100%; max-width: 26rem; background: var(--surface); border-radius: 0.75rem; padding: 1.5rem; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); margin-top: 1rem; }
.logo { display: block; max-height: 3rem; max-width: 60%; margin: 0 0 1rem; }
h1 { font-size: 1.375rem; margin: 0 0 1rem; line-height: 1.3; }
.to { font-weight: 400; }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
input[type="text"], input[type="password"] { width: 100%; font: inherit; padding: 0.625rem 0.75rem; border: 1px solid var(--border); border-radius: 0.375rem; background: #fff; color: var(--text); }
input:focus-visible, .button:focus-visible, button:focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
button, .button { display: block; width: 100%; text-align: center; font: inherit; font-weight: 600; padding: 0.625rem 1rem; border-radius: 0.375rem; border: 1px solid var(--primary); cursor: pointer; text-decoration: none; }
.primary { background: var(--primary); color: var(--on-primary); }
.primary:hover { filter: brightness(0.92); }
button[disabled] { opacity: 0.7; cursor: progress; }
.sso { list-style: none; padding: 0; margin: 0; }
.sso li + li { margin-top: 0.5rem; }
.sso-button { background: var(--surface); color: var(--primary); }
.sso-button:hover { background: var(--background); }
.divider { display: flex; align-items: center; gap: 0.75rem; color: var(--muted); margin: 1.25rem 0; }
.divider::before, .divider::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.error { color: var(--error); background: #fdecea; border-left: 4px solid var(--error); padding: 0.5rem 0.75rem; margin: 0 0 1rem; border-radius: 0.25rem; }
.error[hidden] { display: none; }
.message { margin: 0 0 1rem; }
.status { margin: 0; }
@media (max-width: 360px) {
  body { padding: 0; }
  .card { border-radius: 0; box-shadow: none; margin-top: 0; padding: 1rem; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;

/**
 * /assets/theme/<bot>.css. `color` was checked against #rgb/#rrggbb by the
 * config schema; the text colour on it is black or white, whichever keeps the
 * better contrast (WCAG relative luminance).
 */
export function themeCss(color: string): string {
  const hex = color.length === 4 ? color.slice(1).replace(/./g, (c) => c + c) : color.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const onPrimary = (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
  return `:root { --primary: ${color}; --on-primary: ${onPrimary}; }\n`;
}
