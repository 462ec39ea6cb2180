/** Voice of customer, pure domain part (issue 24): sentiment, topic tags, grouping, NPS/CSAT, language. */
export * from './sentiment.ts';
export * from './tags.ts';
export * from './grouping.ts';
export * from './nps.ts';
export * from './language.ts';
