// The console frame: a dark sider with the menu the role may use, a header with the language
// switch and the user, and the page in the content area.
import { Suspense, useState, type ReactNode } from 'react';
import { Avatar, Dropdown, Layout, Menu, Space, Tag, Typography, theme } from 'antd';
import {
  AuditOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  LogoutOutlined,
  ScheduleOutlined,
  TeamOutlined,
  UserOutlined,
  FunnelPlotOutlined,
  CalculatorOutlined,
  ProfileOutlined,
  NotificationOutlined,
  InboxOutlined,
  SafetyOutlined,
  ClusterOutlined,
  ApartmentOutlined,
  TagsOutlined,
  ExperimentOutlined,
  PhoneOutlined,
  SendOutlined,
  NodeIndexOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Permission } from '../api/auth.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { FullPageSpin } from './FullPageSpin.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

interface MenuEntry {
  key: string;
  path: string;
  icon: ReactNode;
  permission: Permission;
}

const entries: MenuEntry[] = [
  { key: 'overview', path: '/', icon: <DashboardOutlined />, permission: 'customers.read' },
  { key: 'customers', path: '/customers', icon: <TeamOutlined />, permission: 'customers.read' },
  { key: 'segments', path: '/segments', icon: <FunnelPlotOutlined />, permission: 'customers.read' },
  { key: 'contactPoints', path: '/contact-points', icon: <NodeIndexOutlined />, permission: 'customers.read' },
  { key: 'tariffPlans', path: '/tariff-plans', icon: <ProfileOutlined />, permission: 'tariffs.read' },
  { key: 'tariffSimulation', path: '/tariff-simulation', icon: <CalculatorOutlined />, permission: 'tariffs.read' },
  { key: 'campaigns', path: '/campaigns', icon: <NotificationOutlined />, permission: 'campaigns.read' },
  { key: 'campaignInbox', path: '/campaigns/inbox', icon: <InboxOutlined />, permission: 'campaigns.approve' },
  { key: 'models', path: '/models', icon: <ExperimentOutlined />, permission: 'models.read' },
  { key: 'cpc', path: '/cpc', icon: <ClusterOutlined />, permission: 'models.read' },
  { key: 'fit', path: '/channel-fit', icon: <ApartmentOutlined />, permission: 'models.read' },
  { key: 'tags', path: '/tags', icon: <TagsOutlined />, permission: 'models.read' },
  { key: 'policy', path: '/policy', icon: <SafetyOutlined />, permission: 'policy.read' },
  { key: 'worklist', path: '/worklist', icon: <PhoneOutlined />, permission: 'worklists.work' },
  { key: 'deliveries', path: '/deliveries', icon: <SendOutlined />, permission: 'campaigns.read' },
  { key: 'jobs', path: '/jobs', icon: <ScheduleOutlined />, permission: 'jobs.read' },
  { key: 'imports', path: '/imports', icon: <CloudUploadOutlined />, permission: 'data.import' },
  { key: 'audit', path: '/audit', icon: <AuditOutlined />, permission: 'audit.read' },
];

function selectedKey(pathname: string): string {
  if (pathname.startsWith('/campaigns/inbox')) return 'campaignInbox';
  const first = pathname.split('/')[1] ?? '';
  return entries.find((e) => e.path === `/${first}`)?.key ?? 'overview';
}

export function AppLayout() {
  const { t } = useTranslation();
  const { user, can, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();

  const items = entries
    .filter((e) => can(e.permission))
    .map((e) => ({ key: e.key, icon: e.icon, label: <span data-testid={`menu-${e.key}`}>{t(`menu.${e.key}`)}</span>, onClick: () => navigate(e.path) }));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} theme="dark">
        <div style={{ height: 56, display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 8, color: '#fff', overflow: 'hidden', whiteSpace: 'nowrap' }}>
          <Avatar shape="square" size={28} style={{ background: token.colorPrimary, flex: 'none' }}>
            一
          </Avatar>
          {!collapsed && <span style={{ fontSize: 16, fontWeight: 600 }}>{t('app.name')}</span>}
        </div>
        <Menu theme="dark" mode="inline" selectedKeys={[selectedKey(location.pathname)]} items={items} data-testid="menu" />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{ background: token.colorBgContainer, padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', boxShadow: '0 1px 4px rgba(0,21,41,.08)', zIndex: 1 }}
        >
          <Typography.Text strong>{t('app.title')}</Typography.Text>
          <Space size="middle">
            <LanguageSwitch />
            <Dropdown
              menu={{
                items: [{ key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('header.logout')}</span> }],
                onClick: () => void logout().then(() => navigate('/login')),
              }}
            >
              <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} />
                <span>{user?.displayName}</span>
                {user && <Tag color="blue">{t(`role.${user.role}`, { defaultValue: user.role })}</Tag>}
              </Space>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
