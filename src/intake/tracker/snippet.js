// Daicho website tracker, served at /t.js (docs/TRACKER.md). Hand-written, no dependencies, kept under 3 KB gzipped
// (test/features/tracker/snippet.test.ts). Full-line comments are stripped when served.
//   <script async src="https://daicho.example.co.jp/t.js" data-key="dt_…"></script>
// data-consent="required": nothing is sent until daicho.consent(true). Do-Not-Track / Global Privacy Control: nothing, ever.
(function (w, d, n) {
  var s = d.currentScript, key = s && s.getAttribute('data-key');
  if (!key || w.daicho && w.daicho.v) return;
  var api = w.daicho = { v: 1 }, q = (w.daichoQ || []).slice();
  var end = new URL(s.src).origin + '/api/v1/collect';
  var ls = w.localStorage, off = n.doNotTrack == '1' || w.doNotTrack == '1' || n.globalPrivacyControl === true;
  var needConsent = s.getAttribute('data-consent') == 'required';
  var VID = 'daicho_vid', VISIT = 'daicho_visit', CONSENT = 'daicho_consent';
  var queue = [], timer, page, pageUrl, shown, dwell, sent, lastUrl = d.referrer;
  function get(k) { try { return ls.getItem(k); } catch (e) { return null; } }
  function put(k, v) { try { v == null ? ls.removeItem(k) : ls.setItem(k, v); } catch (e) {} }
  function rid() {
    var a = new Uint8Array(16), r = '';
    (w.crypto || w.msCrypto).getRandomValues(a);
    for (var i = 0; i < 16; i++) r += (a[i] & 63).toString(36);
    return (r + Date.now().toString(36)).slice(0, 24);
  }
  function cookie(v) {
    if (v !== undefined) d.cookie = '_daicho_vid=' + v + ';path=/;SameSite=Lax;max-age=' + (v ? 34560000 : 0);
    var m = /(?:^|; )_daicho_vid=([\w-]+)/.exec(d.cookie);
    return m && m[1];
  }
  function allowed() { var c = get(CONSENT); return !off && c != '0' && (c == '1' || !needConsent); }
  function visitor() {
    var v = get(VID) || cookie();
    if (!v) v = rid();
    put(VID, v);
    cookie(v);
    return v;
  }
  // A visit ends after 30 minutes without activity, or when a new campaign brings the visitor back.
  function visit(url) {
    var now = Date.now(), c = new URL(url).searchParams.get('utm_campaign') || '';
    var p = (get(VISIT) || '').split('|'), fresh = !p[0] || now - p[1] > 18e5 || (c && c != p[2]);
    if (fresh) p = [rid(), now, c];
    p[1] = now;
    put(VISIT, p.join('|'));
    return [p[0], fresh];
  }
  function send(beacon) {
    clearTimeout(timer);
    timer = 0;
    if (!queue.length || !allowed()) return (queue = []);
    var v = visitor(), body = JSON.stringify({ k: key, v: v, s: visit(location.href)[0], n: Date.now(), c: get(CONSENT) == '1' ? 1 : undefined, e: queue.splice(0, 100) });
    if (!(beacon && n.sendBeacon && n.sendBeacon(end, body))) {
      try { fetch(end, { method: 'POST', body: body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } }); } catch (e) {}
    }
    if (queue.length) send(beacon);
  }
  function push(e) {
    if (!allowed()) return;
    e.at = Date.now();
    queue.push(e);
    if (!timer) timer = setTimeout(send, 1000);
  }
  // Visible time only: a page in a background tab is not being read.
  function visible() { if (!shown && d.visibilityState == 'visible') shown = Date.now(); }
  function hidden() {
    if (shown) dwell += Date.now() - shown;
    shown = 0;
    if (page && dwell != sent) push({ t: 'pl', i: page, u: pageUrl, d: sent = dwell });
    send(1);
  }
  function view() {
    var url = location.href;
    if (page) {
      if (shown) dwell += Date.now() - shown;
      push({ t: 'pl', i: page, u: pageUrl, d: dwell });
    }
    page = rid();
    pageUrl = url;
    dwell = 0;
    sent = -1;
    shown = 0;
    visible();
    if (!allowed()) return;
    push({ t: 'pv', i: page, u: url, ti: d.title.slice(0, 500), r: lastUrl || undefined, f: visit(url)[1] ? 1 : undefined });
    lastUrl = url;
  }
  api.track = function (name, props) { push({ t: 'ev', i: rid(), n: String(name), p: page, pr: props || {} }); };
  api.identify = function (traits) { push({ t: 'id', tr: traits || {} }); send(); };
  api.visitorId = function () { return allowed() ? visitor() : null; };
  api.consent = function (yes) {
    if (off) return;
    put(CONSENT, yes ? '1' : '0');
    if (!yes) { queue = []; put(VID); put(VISIT); cookie(''); } else { page = 0; view(); }
  };
  var hist = history.pushState;
  history.pushState = function () { hist.apply(this, arguments); if (location.href != lastUrl) view(); };
  w.addEventListener('popstate', function () { if (location.href != lastUrl) view(); });
  d.addEventListener('visibilitychange', function () { d.visibilityState == 'hidden' ? hidden() : visible(); });
  w.addEventListener('pagehide', hidden);
  // A campaign e-mail's tracked link adds daicho_ct: it leaves the address bar (and the stored URL) and identifies the visitor.
  var here = new URL(location.href), ct = here.searchParams.get('daicho_ct');
  if (ct) { here.searchParams.delete('daicho_ct'); try { history.replaceState(history.state, '', here.href); } catch (e) {} }
  view();
  if (ct) api.identify({ campaignToken: ct });
  for (var i = 0; i < q.length; i++) api[q[i][0]] && api[q[i][0]].apply(api, [].slice.call(q[i], 1));
})(window, document, navigator);
