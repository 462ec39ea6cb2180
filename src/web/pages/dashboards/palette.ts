/** The dashboard's series colours: the app's blue first, then calm distinct hues (also the ECharts theme's). */
export const PALETTE = ['#2563a8', '#e08a1e', '#1a7f37', '#8b5cf6', '#0e7c86', '#c2410c', '#64748b', '#b8336a', '#a3a3a3'] as const;
