// The site's icon: the brand blue with a white mark. An SVG for browsers that read the
// <link rel="icon">, and the same as a 32×32 ICO (a PNG inside) at /favicon.ico for those that
// ask there anyway.

export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#0b4a8b"/>
<path d="M9 8h4v6h6V8h4v16h-4v-6h-6v6H9z" fill="#fff"/>
</svg>
`;

const FAVICON_ICO_BASE64 =
  'AAABAAEAICAAAAEAIAB5AAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAEBJREFUeNpj4Pbq/j+QmGHUAaMOGHXAkHAAOqBU3agDRh0w9B1ALBh1wPB1wGguGHXAyHPAaIto1AGjDhjWDgAAdwi9saaYFWQAAAAASUVORK5CYII=';

export const faviconIco = Uint8Array.from(atob(FAVICON_ICO_BASE64), (ch) => ch.charCodeAt(0));
