import { describe, expect, it } from 'vitest';
import { chooseHostAddress, defaultRouteInterface } from '#agent/host/host-address.ts';

const ROUTES = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
`;

describe('the host address', () => {
  it('prefers the EC2 private IP, then the configured address, then the default route', () => {
    const all = { ec2PrivateIp: '10.0.1.23', configured: '192.0.2.7', defaultRoute: '172.17.0.9' };
    expect(chooseHostAddress(all)).toBe('10.0.1.23');
    expect(chooseHostAddress({ ...all, ec2PrivateIp: undefined })).toBe('192.0.2.7');
    expect(chooseHostAddress({ defaultRoute: '172.17.0.9' })).toBe('172.17.0.9');
    expect(chooseHostAddress({})).toBeUndefined();
  });

  it('finds the interface of the default route with the lowest metric', () => {
    expect(defaultRouteInterface(ROUTES)).toBe('eth0');
  });

  it('finds none without a default route', () => {
    expect(defaultRouteInterface(ROUTES.split('\n').slice(0, 2).join('\n'))).toBeUndefined();
  });
});
