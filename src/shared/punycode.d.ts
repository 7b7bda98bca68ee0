// The npm punycode package, imported by file so Node does not pick its deprecated built-in.
declare module 'punycode/punycode.js' {
  import punycode from 'punycode';
  export default punycode;
}
