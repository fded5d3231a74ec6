// Shows a failed request as the server described it: message, code and the field at fault.
import type { CSSProperties } from 'react';
import { Alert, Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client.ts';

export function ErrorAlert({ error, onRetry, style }: { error: ApiError | Error | undefined; onRetry?: () => void; style?: CSSProperties }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { code, field } = error as Partial<ApiError>;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16, ...style }}
      message={error.message || t('error.title')}
      description={
        code || field ? (
          <Space size="large">
            {code && <Typography.Text type="secondary">{t('error.code', { code })}</Typography.Text>}
            {field && <Typography.Text type="secondary">{t('error.field', { field })}</Typography.Text>}
          </Space>
        ) : undefined
      }
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}

/** "message (field)" for toasts. */
export function describeError(error: unknown): string {
  const e = error as Partial<ApiError> & Error;
  return e.field ? `${e.message} (${e.field})` : e.message;
}
