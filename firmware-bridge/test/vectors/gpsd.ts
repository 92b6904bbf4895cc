/**
 * gpsd JSON, as real gpsd daemons wrote it. Sources, all in the gpsd project (GitHub mirror
 * ntpsec/gpsd at commit 46977faa8f94eb036ca68c24a3fc0d233732e707, upstream gitlab.com/gpsd/gpsd):
 * - the session banner: test/daemon/quectel-l76k-nmea.log header, captured with gpspipe from
 *   gpsd 3.27.6~dev on a Raspberry Pi (VERSION, DEVICES), and www/client-howto.adoc (the WATCH
 *   echo of a JSON watch, which that capture, made in raw mode, does not have);
 * - reports: test/daemon/bu353s4.log.chk, the TPV/SKY stream gpsd's regression suite records for
 *   test/daemon/bu353s4.log (the same NMEA as test/vectors/nmea.ts, so the two sources can be
 *   compared); the regression harness leaves out "device";
 * - test/daemon/bt451.log.chk for a no-fix TPV, man/gpsd_json.adoc for the documented TPV, SKY and
 *   ERROR examples (with "device").
 * Junk lines are constructed, each after a failure gpsd's documentation warns about.
 */
export const VERSION_LINE =
  '{"class":"VERSION","release":"3.27.6~dev","rev":"release-3.27.5-334-g0dac8a4d4","proto_major":16,"proto_minor":1}';

export const DEVICES_LINE =
  '{"class":"DEVICES","devices":[{"class":"DEVICE","path":"/dev/ttyAMA0","driver":"u-blox","activated":"2026-08-05T05:52:34.156Z","flags":1,"native":0,"bps":115200,"parity":"N","stopbits":1,"cycle":1.00,"mincycle":0.02}]}';

export const WATCH_LINE =
  '{"class":"WATCH","enable":true,"json":true,"nmea":false,"raw":0,"scaled":false,"timing":false,"pps":false}';

/** gpsd's reports for the first ten epochs of bu353s4.log, in order (TPV after each sentence that changed it). */
export const bu353s4Reports: readonly string[] = [
  '{"class":"TPV","mode":3,"lat":-37.784788333,"lon":175.314896667,"altHAE":83.6000,"altMSL":59.9000,"alt":59.9000,"magvar":20.5,"geoidSep":23.700,"eph":20.900}',
  '{"class":"SKY","hdop":1.10,"uSat":8}',
  '{"class":"TPV","mode":3,"lat":-37.784788333,"lon":175.314896667,"altHAE":83.6000,"altMSL":59.9000,"alt":59.9000,"epv":34.500,"magvar":20.5,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","hdop":1.10,"pdop":1.80,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:19.000Z","ept":0.005,"lat":-37.784788333,"lon":175.314896667,"altHAE":83.6000,"altMSL":59.9000,"alt":59.9000,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.355,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","hdop":1.10,"pdop":1.80,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","hdop":1.10,"pdop":1.80,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:20.000Z","ept":0.005,"lat":-37.784791667,"lon":175.314896667,"altHAE":83.5000,"altMSL":59.8000,"alt":59.8000,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.592,"climb":-0.100,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","hdop":1.10,"pdop":1.80,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","hdop":1.10,"pdop":1.80,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","hdop":1.10,"pdop":1.80,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"nSat":12,"uSat":8,"satellites":[{"PRN":17,"gnssid":0,"svid":17,"az":207.0,"el":72.0,"ss":32.0,"used":true},{"PRN":28,"gnssid":0,"svid":28,"az":95.0,"el":59.0,"ss":31.0,"used":true},{"PRN":6,"gnssid":0,"svid":6,"az":347.0,"el":35.0,"ss":25.0,"used":true},{"PRN":1,"gnssid":0,"svid":1,"az":132.0,"el":29.0,"ss":23.0,"used":true},{"PRN":30,"gnssid":0,"svid":30,"az":11.0,"el":23.0,"ss":29.0,"used":true},{"PRN":20,"gnssid":0,"svid":20,"az":69.0,"el":17.0,"ss":20.0,"used":true},{"PRN":26,"gnssid":0,"svid":26,"az":293.0,"el":9.0,"ss":23.0,"used":true},{"PRN":13,"gnssid":0,"svid":13,"az":304.0,"el":7.0,"ss":10.0,"used":true},{"PRN":11,"gnssid":0,"svid":11,"az":132.0,"el":12.0,"ss":4.0,"used":false},{"PRN":8,"gnssid":0,"svid":8,"az":8.0,"el":38.0,"used":false},{"PRN":2,"gnssid":0,"svid":2,"az":348.0,"el":35.0,"used":false},{"PRN":3,"gnssid":0,"svid":3,"az":91.0,"el":14.0,"used":false}]}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:21.000Z","ept":0.005,"lat":-37.784793333,"lon":175.314890000,"altHAE":83.8000,"altMSL":60.1000,"alt":60.1000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.458,"climb":0.300,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:22.000Z","ept":0.005,"lat":-37.784795000,"lon":175.314888333,"altHAE":83.8000,"altMSL":60.1000,"alt":60.1000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.062,"climb":0.000,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:23.000Z","ept":0.005,"lat":-37.784796667,"lon":175.314891667,"altHAE":83.7000,"altMSL":60.0000,"alt":60.0000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.340,"climb":-0.100,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:24.000Z","ept":0.005,"lat":-37.784796667,"lon":175.314893333,"altHAE":83.8000,"altMSL":60.1000,"alt":60.1000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.165,"climb":0.100,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:25.000Z","ept":0.005,"lat":-37.784796667,"lon":175.314893333,"altHAE":83.9000,"altMSL":60.2000,"alt":60.2000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.000,"climb":0.100,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"nSat":12,"uSat":8,"satellites":[{"PRN":17,"gnssid":0,"svid":17,"az":207.0,"el":72.0,"ss":32.0,"used":true},{"PRN":28,"gnssid":0,"svid":28,"az":95.0,"el":59.0,"ss":30.0,"used":true},{"PRN":6,"gnssid":0,"svid":6,"az":347.0,"el":35.0,"ss":25.0,"used":true},{"PRN":1,"gnssid":0,"svid":1,"az":132.0,"el":29.0,"ss":23.0,"used":true},{"PRN":30,"gnssid":0,"svid":30,"az":11.0,"el":23.0,"ss":29.0,"used":true},{"PRN":20,"gnssid":0,"svid":20,"az":69.0,"el":17.0,"ss":20.0,"used":true},{"PRN":26,"gnssid":0,"svid":26,"az":293.0,"el":9.0,"ss":23.0,"used":true},{"PRN":13,"gnssid":0,"svid":13,"az":304.0,"el":7.0,"ss":10.0,"used":true},{"PRN":11,"gnssid":0,"svid":11,"az":132.0,"el":12.0,"ss":4.0,"used":false},{"PRN":8,"gnssid":0,"svid":8,"az":8.0,"el":38.0,"used":false},{"PRN":2,"gnssid":0,"svid":2,"az":348.0,"el":35.0,"used":false},{"PRN":3,"gnssid":0,"svid":3,"az":91.0,"el":14.0,"used":false}]}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:26.000Z","ept":0.005,"lat":-37.784795000,"lon":175.314893333,"altHAE":84.3000,"altMSL":60.6000,"alt":60.6000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.304,"climb":0.400,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:27.000Z","ept":0.005,"lat":-37.784795000,"lon":175.314896667,"altHAE":84.5000,"altMSL":60.8000,"alt":60.8000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.149,"climb":0.200,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"SKY","gdop":2.01,"hdop":1.10,"pdop":1.80,"tdop":0.89,"xdop":0.63,"ydop":0.85,"vdop":1.50,"uSat":8}',
  '{"class":"TPV","mode":3,"time":"2014-12-31T03:07:28.000Z","ept":0.005,"lat":-37.784796667,"lon":175.314900000,"altHAE":84.2000,"altMSL":60.5000,"alt":60.5000,"epx":9.484,"epy":12.791,"epv":34.500,"track":181.3900,"magtrack":201.9320,"magvar":20.5,"speed":0.268,"climb":-0.300,"eps":25.58,"epc":69.00,"geoidSep":23.700,"eph":20.900,"sep":34.200}',
];

/** A receiver without a fix, as gpsd reports it. */
export const NO_FIX_TPV = '{"class":"TPV","mode":1}';

/** man/gpsd_json.adoc examples, with the "device" attribute a live daemon adds. */
export const DOC_TPV =
  '{"class":"TPV","device":"/dev/pts/1","time":"2005-06-08T10:34:48.283Z","ept":0.005,"lat":46.498293369,"lon":7.567411672,"alt":1343.127,"eph":36.000,"epv":32.321,"track":10.3788,"speed":0.091,"climb":-0.085,"mode":3}';

export const DOC_SKY =
  '{"class":"SKY","device":"/dev/pts/1","time":"2005-07-08T11:28:07.114Z","xdop":1.55,"hdop":1.24,"pdop":1.99,"satellites":[{"PRN":23,"el":6,"az":84,"ss":0,"used":false},{"PRN":28,"el":7,"az":160,"ss":0,"used":false},{"PRN":8,"el":66,"az":189,"ss":44,"used":true},{"PRN":29,"el":13,"az":273,"ss":0,"used":false},{"PRN":10,"el":51,"az":304,"ss":29,"used":true},{"PRN":4,"el":15,"az":199,"ss":36,"used":true},{"PRN":2,"el":34,"az":241,"ss":43,"used":true},{"PRN":27,"el":71,"az":76,"ss":43,"used":true}]}';

export const DOC_ERROR = '{"class":"ERROR","message":"Unrecognized request \'?FOO\'"}';

/** Lines a client must survive without throwing (constructed). */
export const junkLines: readonly { name: string; line: string }[] = [
  {
    name: "a TPV cut at gpsd's 10240-byte report limit",
    line: '{"class":"TPV","device":"/dev/ttyUSB0","mode":3,"time":"2014-12-31T03:07:19.000Z","lat":-37.78',
  },
  { name: 'an HTTP server on port 2947', line: 'HTTP/1.1 400 Bad Request' },
  { name: 'a JSON array', line: '[{"class":"TPV","mode":3}]' },
  { name: 'an object without class', line: '{"mode":3,"lat":45.7786}' },
  { name: 'a TPV with mode as a string', line: '{"class":"TPV","mode":"3"}' },
  { name: 'a TPV with mode 7', line: '{"class":"TPV","mode":7}' },
  { name: 'NaN, which JSON cannot carry', line: '{"class":"TPV","mode":3,"lat":NaN,"lon":4.92}' },
  { name: 'a latitude as a string', line: '{"class":"TPV","mode":3,"lat":"45.7786","lon":4.9217}' },
  { name: 'DEVICES without its array', line: '{"class":"DEVICES","devices":{}}' },
  { name: 'a VERSION without proto_major', line: '{"class":"VERSION","release":"3.25"}' },
  { name: 'a WATCH with enable as a number', line: '{"class":"WATCH","enable":1}' },
  {
    name: 'NMEA where JSON was expected',
    line: '$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D',
  },
];
