/**
 * One ECharts chart in a box of the page's CSS height (`chart-*` classes): ECharts is imported on first use, the
 * chart follows its box's size (ResizeObserver), takes new options without being rebuilt, and reports clicks on
 * its bars or cells with the data index.
 */
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import type { ECElementEvent, ECharts, EChartsCoreOption } from 'echarts/core';
import { useI18n } from '../../i18n.ts';

type Loaded = typeof import('./echarts-setup.ts');
let loading: Promise<Loaded> | null = null;
const loadECharts = () => (loading ??= import('./echarts-setup.ts'));

export function Chart({ option, className = 'chart-md', style, onClick, testId, label }: {
  option: EChartsCoreOption;
  className?: string;
  /** A height the data decides (bars per row). */
  style?: CSSProperties;
  onClick?: (event: { dataIndex: number; seriesIndex: number; name: string }) => void;
  testId?: string;
  /** What the chart shows, for screen readers (the table / CSV holds the numbers). */
  label: string;
}) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let live = true;
    let observer: ResizeObserver | null = null;
    loadECharts().then(({ echarts }) => {
      if (!live || !box.current) return;
      const instance = echarts.init(box.current, 'daicho', { renderer: 'canvas' });
      chart.current = instance;
      instance.on('click', (e: ECElementEvent) => {
        if (typeof e.dataIndex === 'number') click.current?.({ dataIndex: e.dataIndex, seriesIndex: e.seriesIndex ?? 0, name: String(e.name ?? '') });
      });
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(box.current);
      setReady(true);
    }, () => { if (live) setFailed(true); });
    return () => {
      live = false;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (ready) chart.current?.setOption(option, { notMerge: true });
  }, [option, ready]);

  return (
    <div className={`chart ${className}${onClick ? ' chart-clickable' : ''}`} data-testid={testId} role="img" aria-label={label} style={style}>
      {failed ? <div className="muted small chart-failed">{t('dash.chartFailed')}</div> : <div className="chart-canvas" ref={box} />}
    </div>
  );
}
