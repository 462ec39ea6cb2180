/**
 * The sales funnel's lifecycle stages, in order: 見込み客 → 商談中 → 顧客. The dashboards' funnel panel counts arrivals
 * at them, and customer_funnel (migration 0045) stores each customer's first arrival at each, one column a stage.
 */
export const FUNNEL_STAGES = ['prospect', 'opportunity', 'customer'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
