// One ECharts canvas. ECharts is imported piecewise (bar, line, pie, heatmap, sankey and the components they
// use) to keep the bundle small. Its .d.ts files use extensionless relative imports that
// TypeScript's NodeNext resolution cannot follow, so the few calls used here are typed below.
import { useEffect, useRef } from 'react';
import * as core from 'echarts/core';
import * as charts from 'echarts/charts';
import * as components from 'echarts/components';
import * as renderers from 'echarts/renderers';

/** An ECharts option object (https://echarts.apache.org/en/option.html). */
export type ChartOption = Record<string, unknown>;

interface ChartInstance {
  setOption(option: ChartOption, opts?: { notMerge?: boolean }): void;
  resize(): void;
  dispose(): void;
}

interface EChartsCore {
  use(extensions: unknown[]): void;
  init(element: HTMLElement, theme?: string | null, opts?: { renderer?: 'canvas' | 'svg' }): ChartInstance;
}

type ChartTypes = Record<'BarChart' | 'LineChart' | 'PieChart' | 'HeatmapChart' | 'SankeyChart', unknown>;
type ComponentTypes = Record<'GridComponent' | 'TooltipComponent' | 'LegendComponent' | 'TitleComponent' | 'VisualMapComponent', unknown>;
type Renderers = Record<'CanvasRenderer', unknown>;

const echarts = core as unknown as EChartsCore;
// Plain member access on each namespace lets the bundler drop the chart types not named here.
echarts.use([
  (charts as unknown as ChartTypes).BarChart,
  (charts as unknown as ChartTypes).LineChart,
  (charts as unknown as ChartTypes).PieChart,
  (charts as unknown as ChartTypes).HeatmapChart,
  (charts as unknown as ChartTypes).SankeyChart,
  (components as unknown as ComponentTypes).GridComponent,
  (components as unknown as ComponentTypes).TooltipComponent,
  (components as unknown as ComponentTypes).LegendComponent,
  (components as unknown as ComponentTypes).TitleComponent,
  (components as unknown as ComponentTypes).VisualMapComponent,
  (renderers as unknown as Renderers).CanvasRenderer,
]);

export function Chart({ option, height = 300, testId }: { option: ChartOption; height?: number; testId?: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartInstance | null>(null);

  useEffect(() => {
    const instance = echarts.init(element.current!, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={element} data-testid={testId} className="yiti-chart" style={{ width: '100%', height }} />;
}

/** The console's series colours (Ant Design's palette). */
export const palette = ['#1677ff', '#52c41a', '#faad14', '#f5222d', '#722ed1', '#13c2c2', '#eb2f96', '#fa8c16', '#2f54eb', '#a0d911'];
