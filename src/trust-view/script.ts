/**
 * The trust picture's browser script, served as `/trust/app.js`. Plain ES2020 with no dependencies,
 * kept as text here so the page needs no bundling step and works the same from `src/` (tests, the
 * demo) and from `dist/`. Everything from the answer is put into the page with `textContent`, never
 * as HTML: image references, identities and cosign's messages are untrusted text.
 *
 * What it asks is one GraphQL query to this origin's `/graphql`, the same a person could paste into
 * GraphiQL; the image and the policy come from the page's URL (`?image=…&policy=…`), so a picture
 * can be linked.
 */
export const TRUST_VIEW_JS = String.raw`
const QUERY = ${'`'}query TrustPicture($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) {
    ref digest mediaType
    verification(policy: $policy) { ...V }
    attestations { predicateType source signed }
    manifestList {
      manifests {
        digest
        platform { os architecture variant }
        verification(policy: $policy) { ...V }
        attestations { predicateType source signed }
      }
    }
  }
}
fragment V on Verification {
  status inheritedFrom hint
  errors { code message }
  signatures {
    verified
    errors { code message }
    signature { format }
    identity { subjectAlternativeName issuer }
  }
}${'`'};

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'imprimatur:trust-view:token';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(text, isError) {
  const status = $('status');
  status.textContent = text;
  status.className = isError ? 'error' : '';
}

function platformName(p) {
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'unknown platform';
}

/** A manifest's box: its status, the signer identities found, and cosign's words when it is not verified. */
function manifestNode(kind, title, digest, verification) {
  const node = el('section', 'node kind-' + kind + ' status-' + verification.status);
  node.dataset.status = verification.status;
  node.dataset.kind = kind;
  const head = el('h2');
  head.append(el('span', '', title), el('span', 'pill', verification.status));
  node.append(head, el('div', 'digest', digest));
  const identities = [];
  for (const s of verification.signatures) {
    if (s.identity && s.identity.subjectAlternativeName) {
      const who = s.identity.subjectAlternativeName + (s.identity.issuer ? ' (' + s.identity.issuer + ')' : '');
      if (!identities.includes(who)) identities.push(who);
    }
  }
  if (identities.length > 0) {
    node.append(el('div', '', identities.length === 1 ? 'Signer found:' : 'Signers found:'));
    const list = el('ul', 'identities');
    for (const who of identities) list.append(el('li', '', who));
    node.append(list);
  }
  if (verification.inheritedFrom) node.append(el('div', 'hint', 'Trusted through the signed index ' + verification.inheritedFrom));
  if (verification.status !== 'VERIFIED' && verification.status !== 'VERIFIED_VIA_INDEX' && verification.errors.length > 0) {
    const list = el('ul', 'messages');
    for (const e of verification.errors) list.append(el('li', 'message', e.code + ': ' + e.message));
    node.append(list);
  }
  if (verification.hint) node.append(el('div', 'hint', verification.hint));
  return node;
}

function signatureNode(s) {
  const status = s.verified ? 'VERIFIED' : 'FAILED';
  const node = el('section', 'node kind-signature status-' + status);
  node.dataset.status = status;
  node.dataset.kind = 'signature';
  const head = el('h2');
  head.append(el('span', '', 'signature · ' + (s.signature ? s.signature.format : 'unknown format')), el('span', 'pill', status));
  node.append(head);
  if (s.identity && s.identity.subjectAlternativeName) node.append(el('div', 'identity', s.identity.subjectAlternativeName));
  if (!s.verified) {
    const list = el('ul', 'messages');
    for (const e of s.errors) list.append(el('li', 'message', e.code + ': ' + e.message));
    node.append(list);
  }
  return node;
}

function attestationNode(a) {
  const node = el('section', 'node kind-attestation');
  node.dataset.kind = 'attestation';
  const head = el('h2');
  // Listed as stored, not judged: "signed" only says a signature is attached. Checking it under the
  // policy is attestationVerification(predicateType: …), which this page does not ask (yet).
  head.append(el('span', '', 'attestation'), el('span', 'pill', a.signed ? 'signed, not checked here' : 'unsigned'));
  const how = a.signed
    ? 'found as ' + a.source + '; check it with attestationVerification(predicateType: "' + (a.predicateType || '') + '")'
    : 'found as ' + a.source + '; unsigned statements are never verified';
  node.append(head, el('div', '', a.predicateType || 'no predicate type'), el('div', 'digest', how));
  return node;
}

/** One manifest with what hangs below it: its signatures and attestations. */
function branch(kind, title, digest, verification, attestations) {
  const wrap = el('div', 'branch');
  wrap.append(manifestNode(kind, title, digest, verification));
  const below = el('div', 'stack');
  // Trusted through the index: the signatures are the index's, already drawn above; not again here.
  if (!verification.inheritedFrom) for (const s of verification.signatures) below.append(signatureNode(s));
  for (const a of attestations || []) below.append(attestationNode(a));
  if (below.childElementCount > 0) wrap.append(below);
  return wrap;
}

function draw(image) {
  const picture = $('picture');
  picture.replaceChildren();
  const tree = el('div', 'tree');
  const list = image.manifestList;
  const rootKind = list ? 'index' : 'manifest';
  const root = branch(rootKind, (list ? 'index · ' : 'manifest · ') + image.ref, image.digest, image.verification, image.attestations);
  root.classList.remove('branch');
  tree.append(root);
  if (list && list.manifests.length > 0) {
    const level = el('div', 'level');
    for (const m of list.manifests) {
      level.append(branch('platform', platformName(m.platform), m.digest, m.verification, m.attestations));
    }
    tree.append(level);
  }
  picture.append(tree);
}

async function show(imageRef, policyText) {
  let policy;
  try {
    policy = JSON.parse(policyText);
  } catch (e) {
    setStatus('The policy is not JSON: ' + e.message, true);
    return;
  }
  setStatus('Asking…', false);
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = 'Bearer ' + token;
  let body;
  try {
    const res = await fetch('graphql', { method: 'POST', headers, body: JSON.stringify({ query: QUERY, variables: { ref: imageRef, policy }, operationName: 'TrustPicture' }), credentials: 'same-origin' });
    body = await res.json();
  } catch (e) {
    setStatus('The service did not answer: ' + e.message, true);
    return;
  }
  if (body.errors && body.errors.length > 0) {
    $('picture').replaceChildren();
    setStatus(body.errors.map((e) => ((e.extensions && e.extensions.code) ? e.extensions.code + ': ' : '') + e.message).join('; '), true);
    return;
  }
  draw(body.data.image);
  setStatus('Checked ' + body.data.image.ref + ' under this policy.', false);
}

function start() {
  const params = new URLSearchParams(location.search);
  const tokenInput = $('token');
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
  tokenInput.addEventListener('change', () => {
    if (tokenInput.value) sessionStorage.setItem(TOKEN_KEY, tokenInput.value);
    else sessionStorage.removeItem(TOKEN_KEY);
  });
  $('image').value = params.get('image') || '';
  $('policy').value = params.get('policy') || '';
  $('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    const image = $('image').value.trim();
    const policy = $('policy').value.trim();
    // The question goes into the URL, so the picture can be linked and reloaded.
    const next = new URLSearchParams({ image, policy });
    history.pushState(null, '', '?' + next.toString());
    void show(image, policy);
  });
  if (params.get('image') && params.get('policy')) void show(params.get('image'), params.get('policy'));
}

start();
`;
