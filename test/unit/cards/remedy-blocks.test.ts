import { remedyBlocks } from '../../../src/cards/remedy-blocks';

describe('a remedy on a card: sentences as text, commands on their own lines (issue #16)', () => {
  it('puts the sentence before a command in text and the commands in one code block', () => {
    expect(
      remedyBlocks(
        "Follow the emergency rotation runbook on the primary AD FS server, then give Entra the new certificate:\nUpdate-AdfsCertificate -CertificateType Token-Signing -Urgent\nConnect-MgGraph -Scopes 'Domain.ReadWrite.All'",
      ),
    ).toEqual([
      {
        kind: 'text',
        text: 'Follow the emergency rotation runbook on the primary AD FS server, then give Entra the new certificate:',
      },
      {
        kind: 'code',
        text: "Update-AdfsCertificate -CertificateType Token-Signing -Urgent\nConnect-MgGraph -Scopes 'Domain.ReadWrite.All'",
      },
    ]);
  });

  it('takes a command off the end of a lead-in sentence, and keeps a closing sentence after the code', () => {
    expect(
      remedyBlocks(
        'On the primary AD FS server: Get-AdfsProperties | Select-Object AutoCertificateRollover\nUpdate-AdfsCertificate -CertificateType Token-Signing\nThen give Entra the new certificate (it appears in this check once published).',
      ),
    ).toEqual([
      { kind: 'text', text: 'On the primary AD FS server:' },
      {
        kind: 'code',
        text: 'Get-AdfsProperties | Select-Object AutoCertificateRollover\nUpdate-AdfsCertificate -CertificateType Token-Signing',
      },
      {
        kind: 'text',
        text: 'Then give Entra the new certificate (it appears in this check once published).',
      },
    ]);
  });

  it('shows advice with no command as text only, and a command alone as code only', () => {
    expect(remedyBlocks('Check MFG_METADATA_URL and outbound HTTPS from the bot.')).toEqual([
      { kind: 'text', text: 'Check MFG_METADATA_URL and outbound HTTPS from the bot.' },
    ]);
    expect(remedyBlocks('Get-FederationTrust | Set-FederationTrust -RefreshMetadata')).toEqual([
      { kind: 'code', text: 'Get-FederationTrust | Set-FederationTrust -RefreshMetadata' },
    ]);
    expect(
      remedyBlocks('.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate')[0]?.kind,
    ).toBe('code');
    expect(remedyBlocks('')).toEqual([]);
  });

  it('escapes the text (it can quote an IdP) and never the commands', () => {
    const [text, code] = remedyBlocks(
      "Give Entra the issuer of [evil](https://x):\nUpdate-MgDomainFederationConfiguration -IssuerUri 'http://fs/[a]'",
    );
    expect(text?.text).toContain('\u200b');
    expect(code?.text).toBe("Update-MgDomainFederationConfiguration -IssuerUri 'http://fs/[a]'");
  });
});
