/** The pages the Teams manifest links to by default (website, privacy, terms), served by the bot. */
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>${body}</body></html>`;
}

export const PAGES: Record<string, string> = {
  '/': page(
    'fedtrust',
    '<p>fedtrust keeps federation trusts from breaking: it compares an identity provider\'s token-signing certificates with what Microsoft Entra ID trusts and warns before a rollover locks users out.</p><p>Add the fedtrust app in Microsoft Teams and type <code>check fedtrust contoso.com</code>. Health: <a href="/healthz">/healthz</a>.</p>',
  ),
  '/privacy': page(
    'fedtrust privacy',
    '<p>fedtrust processes what it needs to check federation trusts, in the organization that runs it:</p><ul><li>the domain names you ask it to check, and the commands you type to it;</li><li>Teams identifiers of the conversation and of the person writing, to answer in the right place;</li><li>public federation metadata of the identity providers of those domains;</li><li>the federation configuration of those domains in your Microsoft Entra tenant, read through Microsoft Graph with the Domain.Read.All application permission, when the operator configured it.</li></ul><p>It sends no data to anyone but Microsoft Teams, Microsoft Graph and the identity providers it checks. Logs contain domain names and error codes, never secrets. The operator of this bot is the data controller; ask them about retention.</p>',
  ),
  '/terms': page(
    'fedtrust terms of use',
    '<p>fedtrust is provided by the organization that runs it, as is, to help its administrators keep federation trusts working. Its findings and remedies are advice: review a command before you run it, especially in production. The Microsoft documentation each card links to is authoritative.</p>',
  ),
};
