// 数据导入: choose a kind, upload a CSV or Parquet file (POST /api/imports/:kind), follow the
// import job's progress, and see the import history (GET /api/imports).
import { useEffect, useState } from 'react';
import { App as AntApp, Card, Col, Descriptions, Row, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { uploadImport, useImportKinds, useImports, type ColumnSpec, type ImportBatch } from '../api/data.ts';
import { isActive, useJob } from '../api/platform.ts';
import { JobStatusTag } from '../components/CodeTags.tsx';
import { ErrorAlert, describeError } from '../components/ErrorAlert.tsx';
import { CancelJobButton, JobProgress } from '../components/JobProgress.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { jobKindLabel } from '../i18n/jobKind.ts';
import { useLabels } from '../i18n/labels.ts';
import { count } from '../money.ts';
import { usePaging } from '../components/paging.ts';

/** The rules of a column in words: its values, range, pattern and what it references. */
function columnNotes(column: ColumnSpec): string {
  const notes: string[] = [];
  if (column.description) notes.push(column.description);
  if (column.values?.length) notes.push(column.values.join(' | '));
  if (column.min !== undefined || column.max !== undefined) notes.push(`${column.min ?? ''} … ${column.max ?? ''}`);
  if (column.pattern) notes.push(column.pattern.meaning);
  if (column.references) notes.push(`→ ${column.references.table}.${column.references.column}`);
  if (column.default !== undefined) notes.push(`= ${String(column.default)}`);
  return notes.join('; ');
}

function ImportJob({ jobId, onFinished }: { jobId: string; onFinished: () => void }) {
  const { t } = useLabels();
  const [polling, setPolling] = useState(true);
  const { data: job, error, reload } = useJob(jobId, polling ? 1000 : undefined);
  const active = job ? isActive(job) : true;
  useEffect(() => {
    if (!active && polling) {
      setPolling(false);
      onFinished();
    }
  }, [active, polling, onFinished]);

  return (
    <Card size="small" title={t('imports.job')} style={{ marginTop: 16 }} data-testid="import-job">
      <ErrorAlert error={error} />
      {job && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <span>{jobKindLabel(t, job.kind)}</span>
            <JobStatusTag status={job.status} />
            {job.cancellable && <CancelJobButton jobId={job.jobId} createdBy={job.createdBy} onAsked={reload} />}
          </Space>
          <JobProgress job={job} />
          {job.status === 'cancelled' ? (
            <Typography.Text type="warning">{t('imports.cancelled')}</Typography.Text>
          ) : job.error ? (
            <Typography.Text type="danger">{job.error}</Typography.Text>
          ) : (
            <Typography.Text type="secondary">{job.message}</Typography.Text>
          )}
        </Space>
      )}
    </Card>
  );
}

export default function ImportsPage() {
  const { t } = useLabels();
  const { message } = AntApp.useApp();
  const kinds = useImportKinds();
  const [kind, setKind] = useState<string>();
  const [jobId, setJobId] = useState<string | null>(null);
  const { paging, pagination } = usePaging();
  const history = useImports(paging);
  const info = kind ? kinds.data?.[kind] : undefined;

  const upload = async (file: File) => {
    if (!kind) {
      void message.warning(t('imports.chooseKindFirst'));
      return;
    }
    try {
      const started = await uploadImport(kind, file);
      void message.info(t('imports.started', { file: file.name }));
      setJobId(started.jobId);
    } catch (e) {
      void message.error(describeError(e));
    }
  };

  return (
    <>
      <PageHeader title={t('imports.title')} />
      <ErrorAlert error={kinds.error} onRetry={kinds.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" loading={kinds.loading && !kinds.data}>
            <Space direction="vertical" style={{ width: '100%' }} size="middle">
              <Select
                showSearch
                style={{ width: '100%' }}
                placeholder={t('imports.kindPlaceholder')}
                value={kind}
                onChange={setKind}
                options={Object.entries(kinds.data ?? {}).map(([name, k]) => ({ value: name, label: `${name} (${k.source})` }))}
                data-testid="import-kind"
              />
              <Upload.Dragger
                accept=".csv,.parquet"
                multiple={false}
                showUploadList={false}
                disabled={!kind}
                beforeUpload={(file) => {
                  void upload(file);
                  return false;
                }}
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{kind ? t('imports.upload') : t('imports.chooseKindFirst')}</p>
                <p className="ant-upload-hint">{t('imports.uploadHint')}</p>
              </Upload.Dragger>
            </Space>
            {jobId && <ImportJob key={jobId} jobId={jobId} onFinished={history.reload} />}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          {info && (
            <Card size="small" title={`${kind} · ${info.source}`} data-testid="import-kind-spec">
              <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
                <Descriptions.Item label={t('common.detail')}>{info.description}</Descriptions.Item>
                <Descriptions.Item label={t('imports.table')}>
                  <Typography.Text code>{info.table}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('imports.unique')}>{info.unique.join(', ') || '—'}</Descriptions.Item>
              </Descriptions>
              <Table<ColumnSpec>
                rowKey="name"
                size="small"
                pagination={false}
                scroll={{ y: 320 }}
                dataSource={info.columns}
                columns={[
                  { title: t('imports.column'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
                  { title: t('imports.type'), dataIndex: 'type' },
                  { title: t('imports.required'), dataIndex: 'required', render: (v: boolean) => (v ? <Tag color="red">{t('common.yes')}</Tag> : t('common.no')) },
                  { title: t('imports.notes'), key: 'notes', render: (_, c) => <Typography.Text type="secondary">{columnNotes(c)}</Typography.Text> },
                ]}
              />
            </Card>
          )}
        </Col>
        <Col span={24}>
          <Card size="small" title={t('imports.history')}>
            <ErrorAlert error={history.error} onRetry={history.reload} />
            <Table<ImportBatch>
              rowKey="batchId"
              size="small"
              loading={history.loading && !history.data}
              dataSource={history.data?.items ?? []}
              locale={{ emptyText: t('common.empty') }}
              scroll={{ x: 'max-content' }}
              pagination={pagination(history.data?.total ?? 0)}
              columns={[
                { title: t('imports.batchId'), dataIndex: 'batchId' },
                { title: t('imports.kind'), dataIndex: 'kind' },
                { title: t('imports.source'), dataIndex: 'source' },
                { title: t('imports.fileName'), dataIndex: 'fileName' },
                { title: t('imports.rows'), dataIndex: 'rows', align: 'right', render: (v: number) => count(v) },
                { title: t('imports.importedAt'), dataIndex: 'importedAt' },
                { title: t('imports.sha256'), dataIndex: 'fileSha256', render: (v: string) => <Typography.Text code title={v}>{v.slice(0, 12)}</Typography.Text> },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
