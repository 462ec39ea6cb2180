import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';
import { PREFECTURES } from '../../domain/customers/fields.ts';

const nullableText = (max: number) => z.string().trim().max(max).nullable().optional();

const CompanyFields = z.object({
  nameKana: nullableText(200),
  legalForm: nullableText(40).openapi({ example: '株式会社' }),
  corporateNumber: z.string().regex(/^\d{13}$/, '法人番号 is 13 digits').nullable().optional(),
  industry: nullableText(100),
  sizeBand: nullableText(40),
  employeeCount: z.number().int().min(0).nullable().optional(),
  website: nullableText(300),
  phone: nullableText(40),
  postalCode: nullableText(10),
  prefecture: z.enum(PREFECTURES).nullable().optional(),
  address: nullableText(300),
  employees: nullableText(60).openapi({ description: '従業員数 as written (「約300名」「300〜499名」): sets employeeCount and sizeBand', example: '約300名' }),
  capital: nullableText(60).openapi({ description: '資本金 as written', example: '5000万円' }),
  revenueBand: nullableText(60).openapi({ description: '売上規模 as written', example: '10億〜50億円' }),
});
export const CompanyCreate = CompanyFields.extend({ name: z.string().trim().min(1).max(200).openapi({ example: '株式会社サンプル' }) }).openapi('CompanyCreate');
export const CompanyPatch = CompanyFields.extend({ name: z.string().trim().min(1).max(200).optional() }).openapi('CompanyPatch');
export type CompanyPatchInput = z.infer<typeof CompanyPatch>;

export const CompanyListQuery = z.object({ q: z.string().max(200).optional(), prefecture: z.string().max(10).optional(), industry: z.string().max(100).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });

export const CompanySchema = z.object({
  id: z.string().uuid(), name: z.string(), nameKana: z.string().nullable(), legalForm: z.string().nullable(),
  corporateNumber: z.string().nullable(), industry: z.string().nullable(), sizeBand: z.string().nullable(),
  employeeCount: z.number().nullable(), website: z.string().nullable(), phone: z.string().nullable(),
  postalCode: z.string().nullable(), prefecture: z.string().nullable(), address: z.string().nullable(),
  customFields: z.record(z.string(), z.unknown()), peopleCount: z.number().optional(), createdAt: z.string(), updatedAt: z.string(),
  industryCode: z.string().nullable().openapi({ description: 'JSIC code of the industry (大分類 letter, 中分類/小分類 digits)' }),
  industryLabel: z.string().nullable(), employeesText: z.string().nullable(), capitalYen: z.number().nullable(),
  capitalText: z.string().nullable(), revenueBand: z.string().nullable(), domain: z.string().nullable(), sizeBandLabel: z.string().nullable(),
  sme: z.object({ sme: z.boolean().nullable(), small: z.boolean().nullable(), sectors: z.array(z.string()) })
    .openapi({ description: '中小企業基本法: 中小企業者 / 小規模企業者, null when the known figures leave it open' }),
  fieldSources: z.record(z.string(), z.object({ source: z.string(), at: z.string() })),
}).openapi('Company');
export type Company = z.infer<typeof CompanySchema>;

export const CompanyListSchema = pageOf(CompanySchema);
export type CompanyList = z.infer<typeof CompanyListSchema>;

export const CompanyDetailSchema = CompanySchema.extend({
  mergedInto: z.object({ id: z.string().uuid(), name: z.string() }).nullable()
    .openapi({ description: 'Set when this company was merged into another: it is shown read-only and can be unmerged' }),
  mergedCompanies: z.array(z.object({ id: z.string().uuid(), name: z.string() })).openapi({ description: 'Companies merged into this one' }),
  people: z.array(z.object({ id: z.string(), displayName: z.string(), lifecycleStage: z.string(), department: z.string().nullable(), title: z.string().nullable(), isPrimary: z.boolean() }))
    .openapi({ description: 'The people whose current (primary) company this is; former people: GET /companies/{id}/former-people' }),
}).openapi('CompanyDetail');
export type CompanyDetail = z.infer<typeof CompanyDetailSchema>;

/** 過去の所属者 (元社員): people whose history names the company, now elsewhere. */
export const FormerPeopleSchema = z.object({
  items: z.array(z.object({
    id: z.string().uuid(),
    displayName: z.string(),
    lifecycleStage: z.string(),
    department: z.string().nullable().openapi({ description: 'Their last department here' }),
    title: z.string().nullable(),
    startedOn: z.string().nullable().openapi({ description: 'First seen here (Japan day, YYYY-MM-DD)', example: '2024-04-01' }),
    endedOn: z.string().nullable().openapi({ description: 'Last seen here (Japan day)' }),
    movedTo: z.object({
      companyId: z.string().uuid(), companyName: z.string(), department: z.string().nullable(), title: z.string().nullable(),
      since: z.string().nullable().openapi({ description: 'First seen there (Japan day)' }),
    }).nullable().openapi({ description: '転職先: their current company, null when none is known' }),
  })),
}).openapi('FormerPeople');
export type FormerPeople = z.infer<typeof FormerPeopleSchema>;

// ── 法人の重複確認 (issue 20): pairs the matcher left for a person, merges by hand and their undoing ──

export const CompanyReviewReasonSchema = z.object({ code: z.string(), label: z.string().openapi({ example: '社名が一致（法人格・表記ゆれを除く）' }) });

export const CompanyReviewSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  reasons: z.array(CompanyReviewReasonSchema),
  a: CompanySchema,
  b: CompanySchema,
}).openapi('CompanyReview');
export type CompanyReview = z.infer<typeof CompanyReviewSchema>;

export const CompanyReviewListSchema = pageOf(CompanyReviewSchema).extend({ total: z.number().int() }).openapi('CompanyReviewList');
export type CompanyReviewList = z.infer<typeof CompanyReviewListSchema>;

export const CompanyReviewListQuery = z.object({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).optional() });

export const CompanyReviewIdParam = z.object({ id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' }, example: 12 }) });

export const CompanyReviewDecision = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('merge'), survivorId: z.string().uuid().openapi({ description: 'The company that stays (one of the pair); the other is merged into it' }) }),
  z.object({ decision: z.literal('distinct') }),
]).openapi('CompanyReviewDecision');
export type CompanyReviewDecisionInput = z.infer<typeof CompanyReviewDecision>;

export const CompanyMergeBody = z.object({
  otherId: z.string().uuid().openapi({ description: 'The company merged into this one (this one stays)' }),
}).openapi('CompanyMerge');

export const CompanyMergeResultSchema = z.object({
  survivor: CompanySchema,
  mergedId: z.string().uuid(),
  /** Customers whose golden record was recomputed. */
  customers: z.number().int(),
}).openapi('CompanyMergeResult');
export type CompanyMergeResult = z.infer<typeof CompanyMergeResultSchema>;

export const CompanyReviewDecidedSchema = z.object({
  id: z.number().int(),
  status: z.enum(['merged', 'distinct']),
  merge: CompanyMergeResultSchema.nullable(),
}).openapi('CompanyReviewDecided');
export type CompanyReviewDecided = z.infer<typeof CompanyReviewDecidedSchema>;

export const CompanyUnmergeResultSchema = z.object({
  company: CompanySchema,
  formerSurvivorId: z.string().uuid(),
  customers: z.number().int(),
}).openapi('CompanyUnmergeResult');
export type CompanyUnmergeResult = z.infer<typeof CompanyUnmergeResultSchema>;
