/**
 * Companies (法人), pure logic: name analysis and placeholders, 法人番号, own web domains, matching and grouping,
 * 業種 (JSIC) and size / 中小企業 classification.
 *
 * @example
 * import { prepareCompany, decideCompanyPair, groupCompanies } from './domain/companies/index.ts';
 * groupCompanies(rows.map((r) => ({ id: r.id, name: r.name, corporateNumber: r.corporate_number, address: r.address })));
 */
export * from './placeholder.ts';
export * from './name.ts';
export * from './corporate-number.ts';
export * from './web-domain.ts';
export * from './match.ts';
export * from './group.ts';
export * from './industry.ts';
export * from './size.ts';
export * from './merge.ts';
