/**
 * Every real export (issue 20): files shaped like Eight's 名刺 export, a Mailchimp audience, HubSpot and Salesforce
 * contacts (made up for the tests: no real person's data) go from raw records to a header and a suggested mapping,
 * as the import wizard does: detectHeaderRow, then suggestMapping with the rows under the header as the sample.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectHeaderRow } from '../../../src/domain/import/header-row.ts';
import { uniqueHeaders } from '../../../src/domain/import/headers.ts';
import { bindProfile, parseImportProfile } from '../../../src/domain/import/profile.ts';
import { suggestMapping, type MappingSuggestion } from '../../../src/domain/import/suggest.ts';
import { csvRecords, fixtureText, sampleRows, type Rec } from './read-fixture.ts';

function wizard(name: string): { headerLine: number; headers: string[]; suggestion: MappingSuggestion; records: Rec[] } {
  const records = csvRecords(fixtureText(name));
  const { index } = detectHeaderRow(records.map((r) => r.fields));
  const headers = uniqueHeaders(records[index]!.fields).headers;
  const sample = sampleRows(headers, records.slice(index + 1, index + 21));
  return { headerLine: records[index]!.line, headers, suggestion: suggestMapping(headers, sample), records };
}

describe('Eight 名刺 export', () => {
  const { headerLine, headers, suggestion: s, records } = wizard('eight-meishi.csv');

  test('header on line 8, mapping from it', () => {
    assert.equal(headerLine, 8);
    assert.deepEqual(s.fields, {
      full_name: '氏名',
      family_name: '姓',
      given_name: '名',
      email: 'e-mail',
      phone: '携帯電話',
      postal_code: '郵便番号',
      address: '住所',
      company_name: '会社名',
      department: '部署名',
      title: '役職',
      // The company's own line and site are the company's (issue 20).
      company_phone: 'TEL会社',
      company_website: 'URL',
    });
    assert.equal(s.idColumn, null); // Eight has no card id: records are identified by their content
    // The department's line, FAX, the second personal phone and the exchange date stay attributes.
    assert.deepEqual(s.unmapped, ['TEL部門', 'TEL直通', 'Fax', '名刺交換日']);
  });

  test('a profile with "header_row": 8 names the line the header is on', () => {
    const profile = parseImportProfile({ source: 'eight', header_row: 8, fields: s.fields });
    const header = records.find((r) => r.line === profile.headerRow)!;
    assert.deepEqual(uniqueHeaders(header.fields).headers, headers);
    assert.deepEqual(bindProfile(profile, headers).missing, []);
  });
});

describe('Mailchimp audience export', () => {
  const { headerLine, suggestion: s } = wizard('mailchimp-audience.csv');

  test('the header is line 1; names, e-mail, phone, the one-field Address and 会社名 (blank in some rows) are mapped', () => {
    assert.equal(headerLine, 1);
    assert.deepEqual(s.fields, {
      family_name: 'Last Name',
      given_name: 'First Name',
      email: 'Email Address',
      phone: 'Phone Number',
      address: 'Address',
      company_name: '会社名',
    });
  });

  test("Mailchimp's own columns stay custom attributes; CONFIRM_TIME is no company, LEID/EUID no id", () => {
    assert.equal(s.idColumn, null);
    assert.deepEqual(s.unmapped, [
      'MEMBER_RATING', 'OPTIN_TIME', 'OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'LATITUDE', 'LONGITUDE', 'GMTOFF', 'DSTOFF',
      'TIMEZONE', 'CC', 'REGION', 'LAST_CHANGED', 'LEID', 'EUID', 'NOTES', 'TAGS',
    ]);
    for (const c of s.columns) if (s.unmapped.includes(c.header)) assert.equal(c.kind, null, c.header);
  });

  test('with the merge field named Company and its values shifted into timestamps, no company is suggested', () => {
    const shifted = suggestMapping(['Email Address', 'Company', 'CONFIRM_TIME'], [
      { 'Email Address': 'a@example.jp', Company: '2015-03-16 14:40:47', CONFIRM_TIME: '' },
      { 'Email Address': 'b@example.jp', Company: '2016-07-01 09:05:12', CONFIRM_TIME: '' },
    ]);
    assert.deepEqual(shifted.fields, { email: 'Email Address' });
  });
});

describe('HubSpot contacts export', () => {
  const { headerLine, suggestion: s } = wizard('hubspot-contacts.csv');

  test('mapping', () => {
    assert.equal(headerLine, 1);
    assert.deepEqual(s.fields, {
      family_name: 'Last Name',
      given_name: 'First Name',
      email: 'Email',
      phone: 'Phone Number',
      postal_code: 'Postal Code',
      prefecture: 'State/Region',
      address: ['Street Address', 'City'],
      company_name: 'Company Name',
      title: 'Job Title',
    });
    assert.equal(s.idColumn, 'Record ID');
    assert.deepEqual(s.unmapped, [
      'Mobile Phone Number', 'Country/Region', 'Contact owner', 'Lead Status', 'Lifecycle Stage', 'Create Date', 'Associated Company',
      'Associated Company IDs', 'Email Domain', 'Marketing contact status',
    ]);
  });
});

describe('Salesforce contacts', () => {
  test('report export (labels): Account Name is the company, the Mailing address (not Other…) is the address', () => {
    const { headerLine, suggestion: s } = wizard('salesforce-contacts.csv');
    assert.equal(headerLine, 1);
    assert.deepEqual(s.fields, {
      family_name: 'Last Name',
      given_name: 'First Name',
      email: 'Email',
      phone: 'Phone',
      birth_date: 'Birthdate',
      postal_code: 'Mailing Zip/Postal Code',
      prefecture: 'Mailing State/Province',
      address: ['Mailing Street', 'Mailing City'],
      company_name: 'Account Name',
      department: 'Department',
      title: 'Title',
    });
    assert.equal(s.idColumn, 'Contact ID');
    assert.deepEqual(s.unmapped, ['Salutation', 'Mobile', 'Mailing Country', 'Other Street', 'Other City', 'Lead Source', 'Contact Owner', 'Created Date', 'Email Opt Out']);
  });

  test('Data Loader export (API names): Id before AccountId', () => {
    const { suggestion: s } = wizard('salesforce-dataloader.csv');
    assert.deepEqual(s.fields, {
      family_name: 'LastName',
      given_name: 'FirstName',
      email: 'Email',
      phone: 'Phone',
      birth_date: 'Birthdate',
      postal_code: 'MailingPostalCode',
      prefecture: 'MailingState',
      address: ['MailingStreet', 'MailingCity'],
      department: 'Department',
      title: 'Title',
    });
    assert.equal(s.idColumn, 'Id');
    assert.ok(s.unmapped.includes('AccountId') && s.unmapped.includes('HasOptedOutOfEmail'));
  });
});
