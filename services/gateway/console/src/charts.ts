// The parts of ECharts the dashboard draws with (bars, lines, a pie; axes,
// legend, tooltip, title; the canvas renderer), loaded only when a page with
// charts opens: the login page does not wait for them.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer])

export type Chart = echarts.ECharts
export const init = echarts.init
export const getInstanceByDom = echarts.getInstanceByDom
