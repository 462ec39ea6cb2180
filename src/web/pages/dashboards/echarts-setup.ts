/**
 * ECharts as the dashboard uses it, loaded on demand (a chunk of its own, so pages without charts do not carry it):
 * only the charts and components drawn here, the canvas renderer (no inline SVG styles; the canvas draws under the
 * CSP as it is), and a theme in the app's colours and Japanese system fonts.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendPlainComponent, TooltipComponent, VisualMapContinuousComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { PALETTE } from './palette.ts';

echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, LegendPlainComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

const FONT = '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic UI", Meiryo, sans-serif';


echarts.registerTheme('daicho', {
  color: [...PALETTE],
  backgroundColor: 'transparent',
  animationDuration: 400,
  animationDurationUpdate: 300,
  textStyle: { fontFamily: FONT, color: '#1f2933' },
  legend: { textStyle: { fontFamily: FONT, color: '#52606d', fontSize: 12 } },
  tooltip: { textStyle: { fontFamily: FONT, fontSize: 12 }, borderColor: '#d9dee5' },
  categoryAxis: {
    axisLine: { lineStyle: { color: '#d9dee5' } }, axisTick: { show: false },
    axisLabel: { color: '#52606d', fontFamily: FONT, fontSize: 11 }, splitLine: { show: false },
  },
  valueAxis: {
    axisLine: { show: false }, axisTick: { show: false },
    axisLabel: { color: '#7b8794', fontFamily: FONT, fontSize: 11 }, splitLine: { lineStyle: { color: '#e9edf2' } },
  },
});

export { echarts };
