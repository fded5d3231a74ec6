// The campaign report as files a planner takes away: CSV (UTF-8 with a byte-order mark so that
// Excel reads the Chinese labels) and an Excel workbook with a breakdown sheet and a summary
// sheet. Both are rendered from the same two tables so they never disagree.
import ExcelJS from 'exceljs';
import { csvField } from '../store/sql.ts';
import type { BreakdownRow, CampaignReport } from './report.ts';

const breakdownColumns = [
  'section', 'key', 'label', 'targets', 'attempted', 'contacted', 'contact_rate', 'accepted', 'success_rate',
  'responders', 'response_rate', 'control', 'control_responders', 'control_rate', 'uplift', 'uplift_ci_low', 'uplift_ci_high', 'p_value',
] as const;

type Cell = string | number | boolean | null | undefined;

/** Overall, then by channel, wave and segment: one row per breakdown line. */
function breakdownTable(report: CampaignReport): Cell[][] {
  const sections: Array<[string, BreakdownRow[]]> = [['overall', [report.overall]], ['channel', report.byChannel], ['wave', report.byWave], ['segment', report.bySegment]];
  return sections.flatMap(([section, rows]) =>
    rows.map((r) => [
      section, r.key, r.label, r.targets, r.attempted, r.contacted, r.contactRate, r.accepted, r.successRate, r.responders, r.responseRate,
      r.control, r.controlResponders, r.controlRate, r.uplift, r.upliftCi?.[0], r.upliftCi?.[1], r.pValue,
    ]),
  );
}

/** The summary as metric/value pairs: uplift, sample-ratio check, costs, resources, warnings. */
function summaryTable(report: CampaignReport): Array<[string, Cell]> {
  const u = report.uplift;
  return [
    ['campaign_id', report.campaignId],
    ['name', report.name],
    ['status', report.status],
    ['generated_at', report.generatedAt],
    ['window', `${report.window.startDate ?? ''} – ${report.window.endDate ?? ''}`],
    ['excluded', report.exclusions.excluded],
    ...report.exclusions.byReason.map((r): [string, Cell] => [`excluded_${r.reason}`, r.subscribers]),
    ['uplift_absolute', u?.absolute],
    ['uplift_ci_low', u?.absoluteCi[0]],
    ['uplift_ci_high', u?.absoluteCi[1]],
    ['uplift_relative', u?.relative],
    ['uplift_p_value', u?.pValue],
    ['incremental_responders', u?.incrementalResponders],
    ['srm_chi_square', report.sampleRatio.chiSquare],
    ['srm_p_value', report.sampleRatio.pValue],
    ['srm_mismatch', report.sampleRatio.mismatch],
    ['cost_planned_fen', report.costs.plannedFen],
    ['cost_actual_fen', report.costs.actualFen],
    ['cost_per_incremental_response_fen', report.costs.costPerIncrementalResponseFen],
    ['roi', report.costs.roi],
    ...report.resources.map((r): [string, Cell] => [`resource_${r.kind}_used_fen`, r.usedFen]),
    ...report.warnings.map((w): [string, Cell] => [`warning_${w.code}`, w.message]),
  ];
}

/** A cell as CSV, non-integers to six significant digits. */
const csvCell = (value: Cell): string => csvField(typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value);

/** The breakdown table, a blank line, then the summary as metric,value pairs. */
export function reportCsv(report: CampaignReport): string {
  const line = (cells: Cell[]) => cells.map(csvCell).join(',');
  const lines = [breakdownColumns.join(','), ...breakdownTable(report).map(line), '', 'metric,value', ...summaryTable(report).map(line)];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The same two tables as an .xlsx workbook: sheet "breakdown" and sheet "summary". */
export async function reportXlsx(report: CampaignReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Yiti';
  const breakdown = workbook.addWorksheet('breakdown', { views: [{ state: 'frozen', ySplit: 1 }] });
  breakdown.columns = breakdownColumns.map((header) => ({ header, key: header, width: Math.max(10, header.length + 2) }));
  for (const row of breakdownTable(report)) breakdown.addRow(row.map((c) => c ?? null));
  breakdown.getRow(1).font = { bold: true };
  const summary = workbook.addWorksheet('summary');
  summary.columns = [{ header: 'metric', key: 'metric', width: 36 }, { header: 'value', key: 'value', width: 60 }];
  for (const [metric, value] of summaryTable(report)) summary.addRow([metric, value ?? null]);
  summary.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
