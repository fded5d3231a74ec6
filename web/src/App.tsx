// Providers (antd locale and theme, auth) and the routes; pages load on demand.
import { lazy, useEffect, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider, Result } from 'antd';
import type { Locale } from 'antd/es/locale/index.js';
import enUSModule from 'antd/es/locale/en_US.js';
import zhCNModule from 'antd/es/locale/zh_CN.js';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn.js';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { Permission } from './api/auth.ts';
import { AuthProvider, RequireAuth, useAuth } from './auth/AuthProvider.tsx';
import { AppLayout } from './components/AppLayout.tsx';
import { StartupGate } from './components/StartupGate.tsx';
import { LoginPage } from './pages/LoginPage.tsx';

// antd's typings are CommonJS-style, so TypeScript (NodeNext) sees the module object where
// the bundler hands over the default export; accept both.
const localeOf = (module: unknown): Locale => ((module as { default?: Locale }).default ?? module) as Locale;
const antdLocales = { 'zh-CN': localeOf(zhCNModule), en: localeOf(enUSModule) };

const OverviewPage = lazy(() => import('./pages/OverviewPage.tsx'));
const CustomersPage = lazy(() => import('./pages/CustomersPage.tsx'));
const CustomerPage = lazy(() => import('./pages/CustomerPage.tsx'));
const SegmentsPage = lazy(() => import('./pages/SegmentsPage.tsx'));
const JobsPage = lazy(() => import('./pages/JobsPage.tsx'));
const ImportsPage = lazy(() => import('./pages/ImportsPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));
const TariffPlansPage = lazy(() => import('./pages/TariffPlansPage.tsx'));
const TariffSimulationPage = lazy(() => import('./pages/TariffSimulationPage.tsx'));
const CampaignsPage = lazy(() => import('./pages/CampaignsPage.tsx'));
const CampaignEditorPage = lazy(() => import('./pages/CampaignEditorPage.tsx'));
const CampaignPage = lazy(() => import('./pages/CampaignPage.tsx'));
const CampaignReportPage = lazy(() => import('./pages/CampaignReportPage.tsx'));
const PolicyPage = lazy(() => import('./pages/PolicyPage.tsx'));
const CpcPage = lazy(() => import('./pages/CpcPage.tsx'));
const FitPage = lazy(() => import('./pages/FitPage.tsx'));
const TagsPage = lazy(() => import('./pages/TagsPage.tsx'));
const ModelsPage = lazy(() => import('./pages/ModelsPage.tsx'));
const ModelRunPage = lazy(() => import('./pages/ModelRunPage.tsx'));
const WorklistPage = lazy(() => import('./pages/WorklistPage.tsx'));
const DeliveriesPage = lazy(() => import('./pages/DeliveriesPage.tsx'));
const ContactPointsPage = lazy(() => import('./pages/ContactPointsPage.tsx'));

function Allowed({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useAuth();
  const { t } = useTranslation();
  if (!can(permission)) return <Result status="403" title={t('error.forbiddenTitle')} subTitle={t('error.forbidden')} />;
  return <>{children}</>;
}

function NotFoundPage() {
  const { t } = useTranslation();
  return <Result status="404" title={t('error.notFoundTitle')} subTitle={t('error.notFound')} extra={<a href="/">{t('error.backHome')}</a>} />;
}

export function App() {
  const { i18n, t } = useTranslation();
  const english = i18n.language === 'en';

  useEffect(() => {
    dayjs.locale(english ? 'en' : 'zh-cn');
    document.documentElement.lang = english ? 'en' : 'zh-CN';
    document.title = `${t('app.name')} · ${t('app.title')}`;
  }, [english, t]);

  return (
    <ConfigProvider locale={english ? antdLocales.en : antdLocales['zh-CN']} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 4 } }}>
      <AntApp>
        <StartupGate>
          <AuthProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <RequireAuth>
                    <AppLayout />
                  </RequireAuth>
                }
              >
                <Route index element={<OverviewPage />} />
                <Route path="customers" element={<CustomersPage />} />
                <Route path="customers/:id" element={<CustomerPage />} />
                <Route path="segments" element={<SegmentsPage />} />
                <Route path="contact-points" element={<ContactPointsPage />} />
                <Route path="tariff-plans" element={<Allowed permission="tariffs.read"><TariffPlansPage /></Allowed>} />
                <Route path="tariff-simulation" element={<Allowed permission="tariffs.read"><TariffSimulationPage /></Allowed>} />
                <Route path="campaigns" element={<Allowed permission="campaigns.read"><CampaignsPage /></Allowed>} />
                <Route path="campaigns/inbox" element={<Allowed permission="campaigns.approve"><CampaignsPage inbox /></Allowed>} />
                <Route path="campaigns/new" element={<Allowed permission="campaigns.write"><CampaignEditorPage /></Allowed>} />
                <Route path="campaigns/:id" element={<Allowed permission="campaigns.read"><CampaignPage /></Allowed>} />
                <Route path="campaigns/:id/edit" element={<Allowed permission="campaigns.write"><CampaignEditorPage /></Allowed>} />
                <Route path="campaigns/:id/report" element={<Allowed permission="campaigns.read"><CampaignReportPage /></Allowed>} />
                <Route path="models" element={<Allowed permission="models.read"><ModelsPage /></Allowed>} />
                <Route path="models/runs/:id" element={<Allowed permission="models.read"><ModelRunPage /></Allowed>} />
                <Route path="cpc" element={<Allowed permission="models.read"><CpcPage /></Allowed>} />
                <Route path="channel-fit" element={<Allowed permission="models.read"><FitPage /></Allowed>} />
                <Route path="tags" element={<Allowed permission="models.read"><TagsPage /></Allowed>} />
                <Route path="policy" element={<Allowed permission="policy.read"><PolicyPage /></Allowed>} />
                <Route path="worklist" element={<Allowed permission="worklists.work"><WorklistPage /></Allowed>} />
                <Route path="deliveries" element={<Allowed permission="campaigns.read"><DeliveriesPage /></Allowed>} />
                <Route path="jobs" element={<Allowed permission="jobs.read"><JobsPage /></Allowed>} />
                <Route path="imports" element={<Allowed permission="data.import"><ImportsPage /></Allowed>} />
                <Route path="audit" element={<Allowed permission="audit.read"><AuditPage /></Allowed>} />
                <Route path="overview" element={<Navigate to="/" replace />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </AuthProvider>
        </StartupGate>
      </AntApp>
    </ConfigProvider>
  );
}
