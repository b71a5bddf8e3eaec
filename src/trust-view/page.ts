/**
 * The trust picture's page shell and stylesheet. Like the GraphiQL page, the shell holds no inline
 * script or style: the script and the stylesheet are separate files from this origin, which is what
 * lets the Content-Security-Policy say "this origin only" and nothing else.
 */

/** Where the page lives; its two files sit under it. */
export const TRUST_VIEW_PATH = '/trust';
export const TRUST_VIEW_SCRIPT = 'trust/app.js';
export const TRUST_VIEW_STYLES = 'trust/app.css';

export const TRUST_VIEW_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  // The shell's empty `data:,` icon (it spares the browser a /favicon.ico 404).
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The form is a plain GET form: it works (as a link) before the script runs, and the URL is shareable. */
export const TRUST_VIEW_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>imprimatur · a picture of trust</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${TRUST_VIEW_STYLES}">
    <script type="module" src="${TRUST_VIEW_SCRIPT}"></script>
  </head>
  <body>
    <header>
      <h1>imprimatur · a picture of trust</h1>
      <p>Which parts of an image are signed, by whom, and why not: the index, its platforms, their
      signatures and attestations, each judged under your policy (the flags of <code>cosign verify</code>).</p>
    </header>
    <form id="ask" method="get" action="trust">
      <label>Image <input name="image" id="image" size="70" required placeholder="ghcr.io/acme/app:1.0"></label>
      <label>Policy (JSON) <textarea name="policy" id="policy" rows="3" cols="70" required
        placeholder='{"certificateIdentityRegexp": "^https://github.com/acme/app/", "certificateOidcIssuer": "https://token.actions.githubusercontent.com"}'></textarea></label>
      <label>Bearer token (only when the service asks for one; kept in this tab only) <input id="token" type="password" size="40" autocomplete="off"></label>
      <button type="submit">Show</button>
    </form>
    <p id="status" role="status"></p>
    <main id="picture" aria-live="polite"></main>
    <noscript>This page draws with JavaScript. Without it, POST the same question to /v1/verify.</noscript>
  </body>
</html>
`;

export const TRUST_VIEW_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2330; background: #f6f7f9; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
header p { margin: 0 0 1rem; color: #4a5263; max-width: 60rem; }
form { display: grid; gap: .5rem; max-width: 60rem; margin-bottom: 1rem; }
label { display: grid; gap: .2rem; font-weight: 600; }
input, textarea { font: 13px ui-monospace, monospace; padding: .35rem; border: 1px solid #b8bfcc; border-radius: 4px; }
button { justify-self: start; padding: .4rem 1.2rem; font-weight: 600; border-radius: 4px; border: 1px solid #2d5fb8; background: #3b73d6; color: #fff; cursor: pointer; }
#status { min-height: 1.2rem; color: #4a5263; }
#status.error { color: #b42318; font-weight: 600; }
.tree { display: flex; flex-direction: column; align-items: center; gap: 0; }
.level { margin-top: .8rem; display: flex; gap: 1rem; align-items: flex-start; justify-content: center; flex-wrap: wrap; position: relative; padding-top: 1.2rem; }
.level::before { content: ""; position: absolute; top: 0; left: 10%; right: 10%; border-top: 2px solid #9aa3b5; }
.branch { display: flex; flex-direction: column; align-items: center; position: relative; padding-top: 1.2rem; }
.branch::before { content: ""; position: absolute; top: 0; left: 50%; height: 1.2rem; border-left: 2px solid #9aa3b5; }
.node { overflow-wrap: anywhere; background: #fff; border: 2px solid #9aa3b5; border-radius: 8px; padding: .5rem .7rem; min-width: 14rem; max-width: 26rem; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.node h2 { font-size: .95rem; margin: 0 0 .2rem; display: flex; justify-content: space-between; gap: .5rem; align-items: center; }
.node .digest { font: 11px ui-monospace, monospace; color: #4a5263; word-break: break-all; }
.node ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.node li { margin: .15rem 0; word-break: break-word; }
.node .message { color: #b42318; }
.node .hint { color: #4a5263; font-style: italic; }
.pill { font-size: .72rem; font-weight: 700; padding: .1rem .45rem; border-radius: 999px; color: #fff; white-space: nowrap; }
.status-VERIFIED { border-color: #2e9d3a; } .status-VERIFIED .pill { background: #2e9d3a; }
.status-VERIFIED_VIA_INDEX { border-color: #7aa81e; } .status-VERIFIED_VIA_INDEX .pill { background: #7aa81e; }
.status-UNSIGNED { border-color: #c99a06; } .status-UNSIGNED .pill { background: #c99a06; }
.status-FAILED { border-color: #d13f2a; } .status-FAILED .pill { background: #d13f2a; }
.kind-signature, .kind-attestation { min-width: 11rem; max-width: 20rem; font-size: .85rem; }
.kind-attestation { border-style: dashed; }
.kind-attestation .pill { background: #6b7385; }
.stack { display: flex; flex-direction: column; gap: .5rem; align-items: center; margin-top: .5rem; }
`;
