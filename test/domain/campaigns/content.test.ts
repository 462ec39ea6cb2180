import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bounceKindOfStatus, parseDsn, smtpCodeKind } from '../../../src/domain/campaigns/bounce.ts';
import {
  checkSender, compileContent, contentLinks, renderMessage, tokenOfVerp, urlGlobToLike, verpAddress, type CampaignContent, type Sender,
} from '../../../src/domain/campaigns/content.ts';
import { addressee, parseTemplate, type Recipient } from '../../../src/domain/campaigns/template.ts';
import { escapeLike } from '../../../src/domain/search/grams.ts';

const person: Recipient = { kind: 'person', familyName: '山田', givenName: '花子', companyName: '株式会社さくら', department: '営業部', title: '部長', ownerName: '佐藤 一郎' };
const sender: Sender = { senderName: '株式会社台帳', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678 / info@daicho-test.jp', fromEmail: 'news@daicho-test.jp', replyTo: null };
const base = { linkUrl: (n: number) => `https://crm.daicho-test.jp/c/TOKEN123/${n}`, openPixelUrl: 'https://crm.daicho-test.jp/o/TOKEN123.gif', unsubscribeUrl: 'https://crm.daicho-test.jp/u/TOKEN123', sender, shownBlocks: new Set<string>() };
const content = (c: Partial<CampaignContent>): CampaignContent => ({ subject: '件名', bodyText: '本文', bodyHtml: null, blocks: [], ...c });

function renderOne(c: CampaignContent, r: Recipient = person, shown: string[] = [], recommendations: Array<{ name: string; reason: string }> = []) {
  const { compiled, errors } = compileContent(c);
  assert.deepEqual(errors, []);
  return renderMessage(compiled, { recipient: r, recommendations }, { ...base, shownBlocks: new Set(shown) });
}

describe('campaign merge fields', () => {
  test('every field, the owner and fallbacks', () => {
    const m = renderOne(content({ subject: '{{姓}}様へのご案内', bodyText: '{{氏名}}|{{名}}|{{会社名}}|{{部署}}|{{役職}}|{{担当者}}' }));
    assert.equal(m.subject, '山田様へのご案内');
    assert.ok(m.text.startsWith('山田 花子|花子|株式会社さくら|営業部|部長|佐藤 一郎'));
    const empty: Recipient = { kind: 'person', familyName: null, givenName: null, companyName: null, department: null, title: null, ownerName: null };
    assert.ok(renderOne(content({ bodyText: '{{姓|お客}}様 {{宛名}}' }), empty).text.startsWith('お客様 お客様'));
  });

  test('宛名: a person with a company, a person alone, an organization', () => {
    assert.equal(addressee(person), '株式会社さくら 営業部 山田 花子 様');
    assert.equal(addressee({ ...person, companyName: null, department: null }), '山田 花子 様');
    assert.equal(addressee({ ...person, department: null }), '株式会社さくら 山田 花子 様');
    assert.equal(addressee({ kind: 'organization', familyName: null, givenName: null, companyName: '合同会社みどり', department: null, title: null, ownerName: null }), '合同会社みどり 御中');
  });

  test('values are escaped in HTML, not in text', () => {
    const evil = { ...person, familyName: '<b>"山田"</b>&' };
    const m = renderOne(content({ bodyText: '{{姓}}', bodyHtml: '<p>{{姓}}</p>' }), evil);
    assert.ok(m.text.startsWith('<b>"山田"</b>&'));
    assert.match(m.html!, /<p>&lt;b&gt;&quot;山田&quot;&lt;\/b&gt;&amp;<\/p>/u);
  });

  test('an unknown field is an error naming it, in Japanese, with its place', () => {
    const { errors } = compileContent(content({ subject: '{{姓名}}様', bodyText: 'ok {{block:nope}}', bodyHtml: '<p>{{会社}}</p>' }));
    assert.deepEqual(errors.map((e) => e.field), ['subject', 'bodyHtml', 'bodyText']);
    assert.match(errors[0]!.message, /不明な差し込み項目「\{\{姓名\}\}」/u);
    assert.match(errors[1]!.message, /「\{\{会社\}\}」/u);
    assert.match(errors[2]!.message, /ブロック「\{\{block:nope\}\}」は定義されていません/u);
    assert.equal(parseTemplate('{{姓', 'bodyText').errors.length, 1);
  });

  test('a merge field inside a link URL is refused (it would follow the tracked URL)', () => {
    const { errors } = compileContent(content({ bodyText: 'https://shop.daicho-test.jp/?n={{姓}}' }));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /リンクのURLの中に差し込み項目/u);
  });
});

describe('behaviour blocks and recommendations', () => {
  const c = content({
    bodyText: 'こんにちは\n{{block:pricing}}\n{{おすすめ商品}}',
    bodyHtml: '<html><body><p>こんにちは</p>{{block:pricing}}{{おすすめ商品}}</body></html>',
    blocks: [{ key: 'pricing', when: { type: 'viewed_url', pattern: '/pricing*', days: 30 }, text: '{{姓}}様、料金プランのご相談はこちら https://www.daicho-test.jp/contact', html: '<p>{{姓}}様、<a href="https://www.daicho-test.jp/contact">ご相談</a></p>' }],
  });
  test('a block is shown only to whom its condition holds, with fields and tracked links', () => {
    const shown = renderOne(c, person, ['pricing']);
    assert.match(shown.text, /山田様、料金プランのご相談はこちら https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/0/u);
    assert.match(shown.html!, /<p>山田様、<a href="https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/0">/u);
    const hidden = renderOne(c, person, []);
    assert.doesNotMatch(hidden.text, /料金プラン/u);
    assert.doesNotMatch(hidden.html!, /ご相談/u);
  });
  test('recommendations with their reason, escaped in HTML', () => {
    const m = renderOne(c, person, [], [{ name: 'ドリッパー <新>', reason: 'コーヒー豆を買った方の60%が購入' }]);
    assert.match(m.text, /・ドリッパー <新>（コーヒー豆を買った方の60%が購入）/u);
    assert.match(m.html!, /<li><strong>ドリッパー &lt;新&gt;<\/strong> — コーヒー豆を買った方の60%が購入<\/li>/u);
  });
  test('a block without HTML shows its text in the HTML part: escaped, lines kept, links tracked', () => {
    const m = renderOne(content({ bodyText: '{{block:a}}', bodyHtml: '<p>x</p>{{block:a}}', blocks: [{ key: 'a', when: { type: 'always' }, text: '<特典>\n詳細 https://www.daicho-test.jp/x' }] }), person, ['a']);
    assert.match(m.html!, /<p>x<\/p>&lt;特典&gt;<br>詳細 https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/0/u);
  });
  test('blocks may not nest', () => {
    const { errors } = compileContent(content({ bodyText: '{{block:a}}', blocks: [{ key: 'a', when: { type: 'always' }, text: '{{block:a}}' }] }));
    assert.equal(errors[0]?.field, 'blocks.0.text');
  });
  test('glob patterns become LIKE on the path or the URL', () => {
    assert.deepEqual(urlGlobToLike('/pricing*', escapeLike), { column: 'path', like: '/pricing%' });
    assert.deepEqual(urlGlobToLike('/a_b', escapeLike), { column: 'path', like: '/a\\_b' });
    assert.deepEqual(urlGlobToLike('daicho-test.jp/lp', escapeLike), { column: 'url', like: '%daicho-test.jp/lp%' });
  });
});

describe('links, pixel and the law footer', () => {
  const c = content({
    bodyText: '詳しくは https://www.daicho-test.jp/a?x=1&y=2。資料は https://www.daicho-test.jp/b.\nメール: mailto:info@daicho-test.jp',
    bodyHtml: '<p><a href="https://www.daicho-test.jp/b">B</a> <a href=\'https://www.daicho-test.jp/a?x=1&amp;y=2\'>A</a> <a href="mailto:x@daicho-test.jp">m</a></p>',
  });
  test('the link table: HTML first, each link once; text and HTML share indexes', () => {
    assert.deepEqual(contentLinks(c), ['https://www.daicho-test.jp/b', 'https://www.daicho-test.jp/a?x=1&y=2']);
    const m = renderOne(c);
    assert.match(m.text, /詳しくは https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/1。資料は https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/0\./u);
    assert.match(m.html!, /<a href="https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/0">B<\/a> <a href='https:\/\/crm\.daicho-test\.jp\/c\/TOKEN123\/1'>A<\/a>/u);
    assert.match(m.html!, /href="mailto:x@daicho-test\.jp"/u);
  });
  test('a customer\'s value that looks like a link is never tracked', () => {
    const m = renderOne(content({ bodyText: '{{会社名}} https://www.daicho-test.jp/' }), { ...person, companyName: 'https://evil.daicho-test.jp/' });
    assert.ok(m.text.startsWith('https://evil.daicho-test.jp/ https://crm.daicho-test.jp/c/TOKEN123/0'));
  });
  test('footer in text and HTML, pixel before </body>, the unsubscribe URL untracked', () => {
    const m = renderOne(content({ bodyText: '本文', bodyHtml: '<html><body><p>本文</p></body></html>' }));
    for (const part of [m.text, m.html!]) {
      assert.ok(part.includes('株式会社台帳'));
      assert.ok(part.includes('東京都千代田区丸の内1-1-1'));
      assert.ok(part.includes('03-1234-5678'));
      assert.ok(part.includes('https://crm.daicho-test.jp/u/TOKEN123'));
    }
    assert.match(m.html!, /<img src="https:\/\/crm\.daicho-test\.jp\/o\/TOKEN123\.gif"[^>]*>\n<\/body><\/html>$/u);
  });
  test('the sender settings the law requires', () => {
    assert.deepEqual(checkSender(sender), []);
    assert.deepEqual(checkSender({ ...sender, senderAddress: ' ', fromEmail: '' }).map((e) => e.field), ['senderAddress', 'fromEmail']);
  });
  test('VERP return path and back', () => {
    assert.equal(verpAddress('abcDEF123_-x', 'news@daicho-test.jp'), 'bounce+abcDEF123_-x@daicho-test.jp');
    assert.equal(tokenOfVerp('Bounce+abcDEF123_-x@daicho-test.jp'), 'abcDEF123_-x');
    assert.equal(tokenOfVerp('news@daicho-test.jp'), null);
  });
});

describe('bounces', () => {
  test('DSN status: 5.x.x hard, 4.x.x soft; delivered is none', () => {
    assert.deepEqual(parseDsn('Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@daicho-test.jp\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n'),
      { kind: 'hard', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' });
    assert.equal(parseDsn('Action: delayed\nStatus: 4.2.2\n')?.kind, 'soft');
    assert.equal(parseDsn('Action: delivered\nStatus: 2.0.0\n'), null);
    assert.equal(parseDsn('hello, I am on holiday'), null);
    assert.equal(bounceKindOfStatus('smtp; 452 4.2.2 mailbox full'), 'soft');
    assert.equal(smtpCodeKind('550 no such user'), 'hard');
    assert.equal(smtpCodeKind('421 try later'), 'soft');
  });
});
