/**
 * Sign-in for the store's analysts: a Cognito user pool that only an admin
 * fills (no self sign-up), a public app client for the authorization-code flow
 * with PKCE, and Cognito's hosted sign-in pages. The HTTP API verifies the
 * pool's tokens with a JWT authorizer (lib/serving.ts).
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { API_SCOPE, type WebRuntimeConfig } from '../contract';
import { exempt } from './nag';
import { removalPolicyOf } from './storage';

const MFA: Record<RecstreamConfig['auth']['mfa'], cognito.Mfa> = {
  REQUIRED: cognito.Mfa.REQUIRED,
  OPTIONAL: cognito.Mfa.OPTIONAL,
  OFF: cognito.Mfa.OFF,
};

export interface AuthProps {
  config: RecstreamConfig;
  /** `https://<distribution domain>`: where Cognito sends the analyst back. */
  siteOrigin: string;
}

export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const { config, siteOrigin } = props;
    this.userPool = new cognito.UserPool(this, 'Analysts', {
      userPoolName: `${config.name}-analysts`,
      // An admin creates each analyst (aws cognito-idp admin-create-user); nobody can sign up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: MFA[config.auth.mfa],
      // TOTP apps only: SMS needs an SNS role, spend limits and a sender registration.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus plan with threat protection enforced: blocks compromised credentials and risky sign-ins
      // (cdk-nag COG8). https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: removalPolicyOf(config),
    });
    if (config.auth.mfa !== 'REQUIRED') {
      exempt(this.userPool, [{ id: 'AwsSolutions-COG2', reason: `MFA is "${config.auth.mfa}" by this deployment's config (auth.mfa); the default requires it.` }]);
    }

    // The API's scope (contract API_SCOPE): the client may ask for it, the HTTP API routes require it.
    const read = new cognito.ResourceServerScope({ scopeName: API_SCOPE.name, scopeDescription: 'Read recommendations and analytics' });
    const apiServer = this.userPool.addResourceServer('Api', {
      identifier: API_SCOPE.resourceServer,
      userPoolResourceServerName: `${config.name}-api`,
      scopes: [read],
    });
    // The literal `<identifier>/<name>` (not a token), so the template shows the scope the routes require.
    const apiScope = cognito.OAuthScope.custom(API_SCOPE.scope);

    this.client = this.userPool.addClient('Site', {
      userPoolClientName: `${config.name}-site`,
      // A browser app cannot keep a secret: authorization code + PKCE is the flow for public clients.
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE, apiScope],
        callbackUrls: [siteOrigin, `${siteOrigin}/`],
        logoutUrls: [siteOrigin, `${siteOrigin}/`],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });
    // The client may only name a scope that exists.
    this.client.node.addDependency(apiServer);

    this.domain = this.userPool.addDomain('HostedUi', {
      // Domain prefixes are global per region, so the account id keeps two deployments apart.
      cognitoDomain: { domainPrefix: config.auth.domainPrefix ?? `${config.name}-${Aws.ACCOUNT_ID}` },
    });
  }

  /** The OpenID Connect issuer: the JWT authorizer's issuer and the site's authority. */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** What the site needs to sign in (written to config.json at deploy time). */
  runtimeConfig(): NonNullable<WebRuntimeConfig['auth']> {
    return { authority: this.issuer, clientId: this.client.userPoolClientId, scopes: `openid email profile ${API_SCOPE.scope}` };
  }
}
