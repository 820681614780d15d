import packageJson from '@/package.json';

/** Who produced the events, as SIEM formats name it (OCSF metadata.product, CEF Device Vendor/Product/Version). */
export type ProductInfo = { vendor: string; name: string; version: string };

export const PRODUCT: ProductInfo = { vendor: 'Audit Log', name: 'Audit Log', version: packageJson.version };
