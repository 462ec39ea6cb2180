/*
 * Daicho forms in the browser, served as /f/form.js (hosted page) and /f/embed.js (embed snippet). Dependency-free.
 *
 * Hosted page: the server renders the form, which works without this script; the script adds 〒 → address autofill,
 * フリガナ normalisation, required-field hints and a guard against double submission.
 *
 * Embed: <script src="https://daicho.example.co.jp/f/embed.js" data-form="seminar-2025" async></script>
 * renders the form where the script tag is (or into the element named by data-target="#id"), posts it with CORS
 * (the page's origin must be in the form's allowed origins) and shows the thank-you message or redirects.
 * Optional: data-visitor-id, or a tracker exposing window.daicho.visitorId(), to tie the website visitor to the person.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var PREFECTURES = ['北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県', '埼玉県', '千葉県',
    '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県', '岐阜県', '静岡県', '愛知県', '三重県',
    '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県', '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県',
    '香川県', '愛媛県', '高知県', '福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県'];

  function toKatakana(s) {
    return s.normalize('NFKC').replace(/[\u3041-\u3096\u309D\u309E]/g, function (ch) { return String.fromCharCode(ch.charCodeAt(0) + 0x60); });
  }
  function postalDigits(s) {
    return s.normalize('NFKC').replace(/[^0-9]/g, '');
  }
  function randomKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function visitorId(el) {
    if (el && el.getAttribute('data-visitor-id')) return el.getAttribute('data-visitor-id');
    try {
      if (window.daicho && typeof window.daicho.visitorId === 'function') return String(window.daicho.visitorId() || '');
    } catch (e) { /* a tracker error must not break the form */ }
    return '';
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) {
      node.setAttribute(k, attrs[k] === true ? '' : String(attrs[k]));
    }
    if (text) node.textContent = text;
    return node;
  }

  function showError(form, key, message) {
    var p = form.querySelector('[data-testid="form-error-' + key + '"]');
    if (!p) return;
    p.textContent = message || '';
    p.hidden = !message;
    var input = form.querySelector('[name="' + key + '"]');
    if (input) {
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }

  /** 〒 7 digits → prefecture and the first address input (when empty or still holding an earlier autofill). */
  function bindPostal(form) {
    var inputs = form.querySelectorAll('input[data-postal]');
    Array.prototype.forEach.call(inputs, function (input) {
      var last = '';
      function lookup() {
        var digits = postalDigits(input.value);
        if (digits.length !== 7 || digits === last) return;
        last = digits;
        input.value = digits.slice(0, 3) + '-' + digits.slice(3);
        fetch(base + '/api/v1/public/postal/' + digits, { headers: { accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (area) {
            if (!area) { showError(form, input.name, '該当する住所が見つかりません。郵便番号をご確認ください'); return; }
            showError(form, input.name, '');
            var pref = form.querySelector('[data-target="prefecture"] select, [data-target="prefecture"] input');
            if (pref && area.prefecture) pref.value = area.prefecture;
            var addr = form.querySelector('[data-target="address"] input, [data-target="address"] textarea');
            var filled = (area.city || '') + (area.town || '');
            if (addr && filled && (addr.value === '' || addr.getAttribute('data-autofilled') === addr.value)) {
              addr.value = filled;
              addr.setAttribute('data-autofilled', filled);
            }
          })
          .catch(function () { /* offline: the person types the address */ });
      }
      input.addEventListener('input', lookup);
      input.addEventListener('change', lookup);
    });
  }

  function bindKana(form) {
    Array.prototype.forEach.call(form.querySelectorAll('input[data-kana]'), function (input) {
      input.addEventListener('blur', function () { input.value = toKatakana(input.value).replace(/[ 　]+/g, ' ').trim(); });
    });
  }

  /** Required fields only; the server checks everything else and answers with messages per field. */
  function checkRequired(form) {
    var ok = true;
    Array.prototype.forEach.call(form.querySelectorAll('.daicho-row[data-key]'), function (row) {
      var key = row.getAttribute('data-key');
      var first = row.querySelector('[name="' + key + '"]');
      if (!first) return;
      var required = row.hasAttribute('data-required');
      var label = (row.querySelector('.daicho-label') || {}).firstChild;
      var name = label ? label.textContent : key;
      var empty;
      if (first.type === 'checkbox' || first.type === 'radio') empty = !row.querySelector('input:checked');
      else empty = first.value.trim() === '';
      if (required && empty) {
        ok = false;
        showError(form, key, name + (first.tagName === 'SELECT' || first.type === 'radio' || first.type === 'checkbox' ? 'を選択してください' : 'を入力してください'));
      } else showError(form, key, '');
    });
    var consent = form.querySelector('input[name="consent"]');
    if (consent && consent.required && !consent.checked) {
      ok = false;
      showError(form, 'consent', '個人情報の取り扱いに同意してください');
    } else if (consent) showError(form, 'consent', '');
    return ok;
  }

  function enhance(form) {
    bindPostal(form);
    bindKana(form);
    var hidden = form.querySelector('input[name="visitor_id"]');
    if (hidden && !hidden.value) hidden.value = visitorId(null);
  }

  // ── hosted page ──
  function hosted() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-daicho-form]'), function (form) {
      enhance(form);
      var sent = false;
      form.addEventListener('submit', function (event) {
        if (!checkRequired(form) || sent) { event.preventDefault(); return; }
        sent = true;
        var button = form.querySelector('button[type="submit"]');
        if (button) button.disabled = true;
      });
    });
  }

  // ── embed ──
  function field(f) {
    var id = 'daicho-' + Math.random().toString(36).slice(2) + '-' + f.key;
    var row = el('div', { 'class': 'daicho-row', 'data-key': f.key, 'data-target': f.target, 'data-required': f.required ? '1' : null });
    var choice = f.type === 'radio' || f.type === 'checkbox';
    var label = el(choice ? 'span' : 'label', { 'class': 'daicho-label', id: id + '-label', 'for': choice ? null : id });
    label.appendChild(document.createTextNode(f.labelJa));
    label.appendChild(el('span', { 'class': f.required ? 'daicho-required' : 'daicho-optional' }, f.required ? '必須' : '任意'));
    row.appendChild(label);
    var common = { id: id, name: f.key, 'data-testid': 'form-field-' + f.key, 'data-type': f.type, required: f.required, 'aria-describedby': id + '-err' };
    var input;
    if (f.type === 'textarea') input = el('textarea', Object.assign({ rows: 5, maxlength: 4000, placeholder: f.placeholder }, common));
    else if (f.type === 'select' || f.type === 'prefecture') {
      input = el('select', common);
      input.appendChild(el('option', { value: '' }, '選択してください'));
      (f.type === 'prefecture' ? PREFECTURES : f.options).forEach(function (o) { input.appendChild(el('option', { value: o }, o)); });
    } else if (choice) {
      input = el('div', { 'class': 'daicho-choices', role: 'group', 'aria-labelledby': id + '-label' });
      f.options.forEach(function (o, i) {
        var l = el('label', { 'class': 'daicho-choice' });
        l.appendChild(el('input', { type: f.type, name: f.key, value: o, 'data-testid': 'form-field-' + f.key + '-' + i, required: f.type === 'radio' && f.required }));
        l.appendChild(document.createTextNode(' ' + o));
        input.appendChild(l);
      });
    } else {
      var types = { email: 'email', tel: 'tel', date: 'date' };
      var attrs = Object.assign({ type: types[f.type] || 'text', placeholder: f.placeholder }, common);
      if (f.type === 'postal_code') { attrs['data-postal'] = '1'; attrs.inputmode = 'numeric'; attrs.autocomplete = 'postal-code'; }
      if (f.type === 'kana') attrs['data-kana'] = '1';
      if (f.type === 'email') attrs.autocomplete = 'email';
      if (f.type === 'tel') attrs.autocomplete = 'tel';
      input = el('input', attrs);
    }
    row.appendChild(input);
    if (f.helpText) row.appendChild(el('p', { 'class': 'daicho-help' }, f.helpText));
    var err = el('p', { 'class': 'daicho-error', id: id + '-err', 'data-testid': 'form-error-' + f.key, role: 'alert' });
    err.hidden = true;
    row.appendChild(err);
    return row;
  }

  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.disabled) return;
      if ((input.type === 'checkbox' || input.type === 'radio') && !input.checked) return;
      if (input.type === 'checkbox' && input.name !== 'consent') (out[input.name] = out[input.name] || []).push(input.value);
      else out[input.name] = input.value;
    });
    return out;
  }

  function embed(scriptEl) {
    var slug = scriptEl.getAttribute('data-form');
    var targetSel = scriptEl.getAttribute('data-target');
    var host = targetSel ? document.querySelector(targetSel) : null;
    if (!host) {
      host = el('div', { 'class': 'daicho-embed' });
      scriptEl.parentNode.insertBefore(host, scriptEl.nextSibling);
    }
    if (!document.querySelector('link[data-daicho-css]')) {
      document.head.appendChild(el('link', { rel: 'stylesheet', href: base + '/f/form.css', 'data-daicho-css': '1' }));
    }
    fetch(base + '/api/v1/public/forms/' + encodeURIComponent(slug), { headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('form ' + slug + ': ' + r.status); return r.json(); })
      .then(function (def) { render(host, def, scriptEl); })
      .catch(function () { host.appendChild(el('p', { 'class': 'daicho-error', 'data-testid': 'form-unavailable' }, 'フォームを読み込めませんでした。時間をおいて再度お試しください。')); });
  }

  function render(host, def, scriptEl) {
    host.textContent = '';
    host.appendChild(el('h2', { 'class': 'daicho-title' }, def.title));
    if (def.description) host.appendChild(el('p', { 'class': 'daicho-description' }, def.description));
    var summary = el('div', { 'class': 'daicho-summary', role: 'alert', 'data-testid': 'form-error-summary' });
    summary.hidden = true;
    host.appendChild(summary);
    var form = el('form', { 'class': 'daicho-form', 'data-daicho-form': def.slug, 'data-testid': 'daicho-form', novalidate: true });
    var key = randomKey();
    form.appendChild(el('input', { type: 'hidden', name: 'submission_key', value: key }));
    form.appendChild(el('input', { type: 'hidden', name: 'visitor_id', value: visitorId(scriptEl) }));
    form.appendChild(el('input', { type: 'hidden', name: 'page_url', value: location.href.slice(0, 1000) }));
    var hp = el('div', { 'class': 'daicho-hp', 'aria-hidden': 'true' });
    hp.appendChild(el('input', { type: 'text', name: 'homepage', tabindex: '-1', autocomplete: 'off' }));
    form.appendChild(hp);
    def.fields.forEach(function (f) { form.appendChild(field(f)); });
    if (def.consent) {
      var row = el('div', { 'class': 'daicho-row daicho-consent' });
      row.appendChild(el('div', { 'class': 'daicho-consent-text', 'data-testid': 'form-consent-text' }, def.consent.text));
      var l = el('label', { 'class': 'daicho-choice' });
      l.appendChild(el('input', { type: 'checkbox', name: 'consent', value: 'on', 'data-testid': 'form-consent', required: def.consent.required }));
      l.appendChild(document.createTextNode(' 上記に同意する'));
      row.appendChild(l);
      var err = el('p', { 'class': 'daicho-error', 'data-testid': 'form-error-consent', role: 'alert' });
      err.hidden = true;
      row.appendChild(err);
      form.appendChild(row);
    }
    var actions = el('div', { 'class': 'daicho-actions' });
    var button = el('button', { type: 'submit', 'class': 'daicho-submit', 'data-testid': 'form-submit' }, '送信する');
    actions.appendChild(button);
    form.appendChild(actions);
    host.appendChild(form);
    enhance(form);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      summary.hidden = true;
      if (!checkRequired(form)) return;
      button.disabled = true;
      fetch(base + '/api/v1/public/forms/' + encodeURIComponent(def.slug) + '/submissions', {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(values(form)),
      }).then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      }).then(function (res) {
        if (res.status === 200 || res.status === 201) {
          if (res.body.redirectUrl) { location.href = res.body.redirectUrl; return; }
          host.textContent = '';
          host.appendChild(el('div', { 'class': 'daicho-thanks', role: 'status', 'data-testid': 'form-thanks' }, res.body.message));
          return;
        }
        button.disabled = false;
        (res.body.errors || []).forEach(function (e) { showError(form, e.field, e.message); });
        summary.textContent = res.body.title || '送信できませんでした';
        summary.hidden = false;
      }).catch(function () {
        button.disabled = false;
        summary.textContent = '送信できませんでした。通信状態を確認して、もう一度お試しください。';
        summary.hidden = false;
      });
    });
  }

  if (script && script.getAttribute('data-form')) embed(script);
  else if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', hosted);
  else hosted();
})();
