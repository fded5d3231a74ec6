// While the server generates the first demo province (GET /api/health answers 503), the whole
// console waits behind a progress page that polls every second.
import { useEffect, useState, type ReactNode } from 'react';
import { Card, Progress, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { fetchHealth, type Health } from '../api/platform.ts';
import { FullPageSpin } from './FullPageSpin.tsx';

export function StartupGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [health, setHealth] = useState<Health | null>(null);
  const [unreachable, setUnreachable] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const next = await fetchHealth();
        if (stopped) return;
        setHealth(next);
        setUnreachable(false);
        if (next.ready) return;
      } catch {
        if (stopped) return;
        setUnreachable(true);
      }
      timer = setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  if (health?.ready) return <>{children}</>;
  if (!health && !unreachable) return <FullPageSpin />;
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 520 }} data-testid="startup">
        {health?.failed ? (
          <Result status="error" title={t('startup.failed')} subTitle={health.message} />
        ) : (
          <>
            <Typography.Title level={4}>{t('startup.title')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('startup.description')}</Typography.Paragraph>
            <Progress percent={Math.floor((health?.progress ?? 0) * 100)} status="active" />
            <Typography.Text>{unreachable ? t('startup.unreachable') : health?.message}</Typography.Text>
          </>
        )}
      </Card>
    </div>
  );
}
