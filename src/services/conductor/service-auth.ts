import type { AuthContext } from '../../common/auth-context.js'

/**
 * The identity the conductor acts with inside this process when it calls the
 * image and network services for an instance: the instance's owner, with the
 * admin role (Nova uses an admin context for port binding and image reads).
 */
export function serviceAuth(projectId: string, userId: string): AuthContext {
  const now = new Date()
  return {
    userId,
    userName: 'nova',
    userDomainId: 'default',
    userDomainName: 'Default',
    project: { id: projectId, name: projectId, domainId: 'default', domainName: 'Default' },
    system: false,
    roles: ['admin', 'member', 'reader'],
    roleIds: [],
    methods: ['service'],
    auditIds: [],
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
  }
}
