import { describe, expect, it } from 'vitest';
import { isForbiddenAddress, UrlPolicy } from '../../src/fetch/address-policy.ts';

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:0a00:0001::1',
    'ff02::1',
  ])('refuses %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'example.com'])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe('UrlPolicy', () => {
  const policy = new UrlPolicy(['http://127.0.0.1:8080/events', 'https://api.venue.test/graphql', 'not a url']);

  it('names the origins of the config, port and scheme included', () => {
    expect(policy.namesOrigin('http://127.0.0.1:8080/other')).toBe(true);
    expect(policy.namesOrigin('http://127.0.0.1:9090/other')).toBe(false);
    expect(policy.namesOrigin('http://api.venue.test/graphql')).toBe(false);
  });

  it('names hosts whatever the port, so a config on 127.0.0.1 may read other ports there', () => {
    expect(policy.namesHost('http://127.0.0.1:9090/')).toBe(true);
    expect(policy.literalRefusal('http://127.0.0.1:9090/')).toBeUndefined();
    expect(policy.literalRefusal('http://10.0.0.1/')).toMatch(/10\.0\.0\.1 is a private/);
    expect(policy.literalRefusal('http://[fe80::1]/')).toMatch(/fe80::1 is a private/);
    expect(policy.literalRefusal('http://www.venue.test/')).toBeUndefined();
  });
});
