import { cardText, cardUrl } from '../../../src/cards/escape';

const INVISIBLE = /[\u200b-\u200f\u2060\ufeff]/;

describe('untrusted text on a card (DESIGN §6)', () => {
  it('breaks markdown, links and mentions invisibly', () => {
    for (const text of [
      '**bold**',
      '_it_',
      '[x](https://evil.example)',
      'www.evil.example',
      'a@b',
      '- list',
    ])
      expect(cardText(text)).toMatch(INVISIBLE);
    expect(cardText('https://evil.example/x')).toBe('https:\u200b//evil.example/x');
  });

  it('leaves an underscore inside a word alone, so setting names copy exactly (issue #16)', () => {
    const text = 'set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and MFG_METADATA_URL';
    expect(cardText(text)).toBe(text);
    expect(cardText('_start and end_')).toMatch(INVISIBLE); // at a word's edge it could be emphasis
  });
});

describe('a URL the bot checked, on a card', () => {
  it('is the URL exactly, with nothing invisible', () => {
    const url = 'https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml';
    expect(cardUrl(url)).toBe(url);
    expect(cardUrl('https://fs.contoso_1.com/x_y')).toBe('https://fs.contoso_1.com/x_y');
  });

  it('percent-encodes what markdown would read', () => {
    expect(cardUrl('https://idp.example/a(b)[c] d*')).toBe(
      'https://idp.example/a%28b%29%5Bc%5D%20d%2A',
    );
  });
});
