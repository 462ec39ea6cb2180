/**
 * 所属履歴 in a real browser (issue 26, B2B): a spring 名刺 of 山田 花子 at エーシャ, an autumn one at ビーシャ (same
 * name, reading and mobile). The customer page's 所属履歴 card shows 現職 ビーシャ and 前職 エーシャ with links; the
 * timeline's 人事異動 chip shows the one entry; エーシャ's page lists her under 過去の所属者 with ビーシャ as 転職先.
 * Screenshots: test-artifacts/career-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { importCsv, withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@career-e2e.daicho-test.jp', password: 'career-admin-2026' };
const HEADER = '名刺ID,氏名,フリガナ,メール,携帯,会社名,部署,役職';
const SPRING = [HEADER,
  'M1,山田 花子,ヤマダ ハナコ,hanako@a-sha.daicho-test.jp,090-3456-7812,株式会社エーシャ,営業部,課長',
  'M9,佐藤 一郎,サトウ イチロウ,ichiro@a-sha.daicho-test.jp,090-3456-7899,株式会社エーシャ,総務部,'].join('\n') + '\n';
const AUTUMN = [HEADER, 'M2,山田 花子,ヤマダ ハナコ,h.yamada@b-sha.daicho-test.jp,090-3456-7812,ビーシャ(株),マーケティング部,部長'].join('\n') + '\n';
const PROFILE = {
  source: 'meishi', id_column: '名刺ID', email_basis: 'business_card',
  fields: { full_name: '氏名', full_name_kana: 'フリガナ', email: 'メール', phone: '携帯', company_name: '会社名', department: '部署', title: '役職' },
};

test('career: a 名刺 from a new company is a 人事異動 on the customer page, the timeline and the company pages', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: { width: 1366, height: 900 } } }, async (session) => {
    const { base, context, problems } = session;
    await importCsv(session, { name: 'spring.csv', csv: SPRING }, PROFILE);
    await importCsv(session, { name: 'autumn.csv', csv: AUTUMN }, PROFILE);
    const found = (await (await context.request.get(`${base}/api/v1/customers?q=${encodeURIComponent('山田')}`)).json()) as { items: Array<{ id: string }> };
    assert.equal(found.items.length, 1, 'the two 名刺 of 山田 are one customer');
    const hanako = found.items[0]!.id;

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    await page.goto(`${base}/customers/${hanako}`);
    const card = page.getByTestId('card-affiliations');
    await card.getByTestId('affiliation-period').first().waitFor();
    const periods = await card.getByTestId('affiliation-period').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    assert.deepEqual(periods, ['current', 'former']);
    const text = await card.innerText();
    assert.match(text, /現職[\s\S]*ビーシャ株式会社[\s\S]*転職[\s\S]*マーケティング部 部長[\s\S]*前職[\s\S]*エーシャ[\s\S]*営業部 課長/u);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(ARTIFACTS, 'career-affiliation-card.png') });

    const timeline = page.getByTestId('timeline');
    await page.getByTestId('timeline-filter-affiliation').click();
    const entry = timeline.locator('[data-testid="activity"][data-type="affiliation_change"]');
    await entry.waitFor();
    // The filtered page replaces the unfiltered one (where the import entries stand beside it).
    await timeline.locator('[data-testid="activity"]:not([data-type="affiliation_change"])').first().waitFor({ state: 'detached' });
    assert.equal(await timeline.getByTestId('activity').count(), 1, 'the 人事異動 chip shows the one entry');
    assert.match(await entry.innerText(), /人事異動[\s\S]*旧 株式会社エーシャ 営業部 課長 → 新 ビーシャ株式会社 マーケティング部 部長/u);
    await timeline.screenshot({ path: path.join(ARTIFACTS, 'career-timeline.png') });

    // エーシャ's page: 佐藤 is current, 山田 is a former person who moved to ビーシャ.
    await card.getByRole('link', { name: '株式会社エーシャ' }).click();
    await page.getByTestId('company-detail-page').waitFor();
    const people = page.getByTestId('company-people');
    await people.getByTestId('company-person').first().waitFor();
    assert.deepEqual(await people.getByTestId('company-person').allInnerTexts().then((rows) => rows.map((r) => r.split(/\s/u)[0])), ['佐藤']);
    const former = page.getByTestId('company-former-people');
    await former.getByTestId('company-former-person').first().waitFor();
    const row = await former.getByTestId('company-former-person').innerText();
    assert.match(row, /山田 花子[\s\S]*営業部 課長[\s\S]*ビーシャ株式会社[\s\S]*マーケティング部 部長/u);
    await page.screenshot({ path: path.join(ARTIFACTS, 'career-company-page.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
