import { cachedResolver, type Resolver } from '../../../src/sources/dns-cache';

describe('cachedResolver', () => {
  let asked: string[];
  let answer: string;
  let clock: number;
  const resolve: Resolver = (host) => {
    asked.push(host);
    if (host === 'gone.test')
      return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve([{ address: answer, family: 4 }]);
  };
  beforeEach(() => {
    asked = [];
    answer = '203.0.113.10';
    clock = 0;
  });

  it('asks once per name within 30 s, and again after', async () => {
    const cached = cachedResolver(resolve, () => clock);
    await cached('fs.contoso.com');
    await cached('fs.contoso.com');
    await cached('fs.fabrikam.com');
    expect(asked).toEqual(['fs.contoso.com', 'fs.fabrikam.com']);
    answer = '198.51.100.7';
    clock = 29_999;
    expect(await cached('fs.contoso.com')).toEqual([{ address: '203.0.113.10', family: 4 }]);
    clock = 30_001;
    // After 30 s the new answer counts: a name that now resolves elsewhere is judged anew.
    expect(await cached('fs.contoso.com')).toEqual([{ address: '198.51.100.7', family: 4 }]);
    expect(asked).toEqual(['fs.contoso.com', 'fs.fabrikam.com', 'fs.contoso.com']);
  });

  it('keeps no failure: a name that did not resolve is asked again', async () => {
    const cached = cachedResolver(resolve, () => clock);
    await expect(cached('gone.test')).rejects.toThrow('not found');
    await expect(cached('gone.test')).rejects.toThrow('not found');
    expect(asked).toEqual(['gone.test', 'gone.test']);
  });

  it('keeps at most 1,000 names, forgetting the oldest', async () => {
    const cached = cachedResolver(resolve, () => clock);
    for (let i = 0; i <= 1_000; i++) await cached(`idp${i}.test`);
    asked = [];
    await cached('idp1000.test');
    await cached('idp0.test');
    expect(asked).toEqual(['idp0.test']);
  });
});
