/**
 * What the store sells and when, measured once on the real electronics data
 * (../shared/data/electronics, 1,002,323 rows; see local/README.md, "The
 * generator"), so the generated demo store's dashboard reads like the real one.
 */

export interface StoreCategory {
  /** '' for the real data's products without a category code (mostly accessories). */
  code: string;
  /** Real rows of the code: its share of categorised rows. */
  rows: number;
  /** Real price quantiles p10 / p50 / p90. */
  price: readonly [number, number, number];
  /** The code's five leading brands by real rows ('none' and 'china' left out). */
  brands: readonly (readonly [string, number])[];
}

/**
 * The 60 leading category codes by real rows (99% of categorised rows; no code counts
 * as one), less 12 whose real products contradict the code — REES46's labels put cookware under
 * furniture.kitchen.table, game consoles under apparel.glove, lamps and batteries
 * under computers.components.cpu, phone cables under construction.tools.screw,
 * toothbrushes under computers.desktop (and pillow, cabinet, chair, shelving, bed,
 * cooler, tshirt likewise). Left in, they would show a store analyst an "apple
 * screw" or a 2.29 "cpu"; their rows' share goes to the codes kept, pro rata.
 */
export const STORE_CATEGORIES: readonly StoreCategory[] = [
  { code: '', rows: 243917, price: [2.29, 18.5, 143.98], brands: [['ava', 15985], ['samsung', 13513], ['neo', 13406], ['akvafor', 9851], ['grohe', 8929]] },
  { code: 'electronics.smartphone', rows: 125648, price: [92.34, 161.78, 532.38], brands: [['samsung', 55878], ['huawei', 22277], ['oppo', 13986], ['apple', 13780], ['honor', 6258]] },
  { code: 'electronics.video.tv', rows: 28933, price: [10.42, 370.35, 648.13], brands: [['samsung', 8628], ['lg', 7054], ['ava', 2955], ['megogo', 2550], ['tcl', 1880]] },
  { code: 'appliances.kitchen.refrigerators', rows: 25616, price: [6.92, 340.25, 763.87], brands: [['samsung', 3819], ['lg', 3700], ['ava', 2752], ['beko', 2427], ['indesit', 2244]] },
  { code: 'appliances.environment.vacuum', rows: 25489, price: [21.97, 104.14, 266.18], brands: [['samsung', 13243], ['tefal', 4836], ['philips', 2164], ['bosch', 950], ['ozone', 694]] },
  { code: 'electronics.audio.headphone', rows: 24027, price: [8.08, 25.44, 203.68], brands: [['samsung', 5377], ['jbl', 3510], ['apple', 3023], ['sony', 2317], ['neo', 1948]] },
  { code: 'appliances.kitchen.kettle', rows: 23345, price: [8.08, 27.75, 56.69], brands: [['ava', 3970], ['tefal', 3736], ['vitek', 3062], ['philips', 1517], ['berghoff', 1408]] },
  { code: 'computers.notebook', rows: 21855, price: [8.08, 310.16, 810.16], brands: [['asus', 5330], ['lenovo', 4869], ['ipower', 2151], ['hp', 2002], ['microsoft', 1296]] },
  { code: 'appliances.kitchen.washer', rows: 20102, price: [111.09, 347.2, 451.37], brands: [['samsung', 7552], ['lg', 5592], ['beko', 1645], ['indesit', 1189], ['midea', 1003]] },
  { code: 'computers.peripherals.mouse', rows: 15916, price: [4.38, 11.55, 32.38], brands: [['logitech', 4885], ['genius', 3033], ['delux', 1638], ['bloody', 1173], ['hyperx', 777]] },
  { code: 'appliances.personal.scales', rows: 14044, price: [11.55, 13.87, 27.75], brands: [['ava', 4946], ['scarlett', 2584], ['tefal', 1657], ['vitek', 1645], ['polaris', 1587]] },
  { code: 'appliances.iron', rows: 13677, price: [18.5, 46.27, 115.72], brands: [['tefal', 3114], ['philips', 2478], ['braun', 2360], ['vitek', 1565], ['scarlett', 1280]] },
  { code: 'appliances.kitchen.blender', rows: 12227, price: [32.38, 64.79, 115.72], brands: [['moulinex', 3170], ['braun', 2409], ['polaris', 1424], ['scarlett', 1097], ['neo', 747]] },
  { code: 'appliances.kitchen.hood', rows: 11071, price: [69.42, 208.31, 347.2], brands: [['bosch', 2442], ['samsung', 1879], ['electrolux', 1487], ['hansa', 1247], ['jetair', 1089]] },
  { code: 'stationery.battery', rows: 10352, price: [1.39, 2.31, 5.79], brands: [['camelion', 6252], ['varta', 3434], ['duracell', 485], ['xiaomi', 179], ['nikon', 2]] },
  { code: 'appliances.kitchen.microwave', rows: 9858, price: [43.96, 83.31, 150.44], brands: [['ava', 4174], ['samsung', 3433], ['hotpoint-ariston', 674], ['beko', 540], ['lg', 425]] },
  { code: 'appliances.environment.air_conditioner', rows: 8436, price: [138.87, 231.46, 416.64], brands: [['beko', 4933], ['ava', 2562], ['samsung', 498], ['lg', 399], ['compliment', 23]] },
  { code: 'computers.network.router', rows: 8386, price: [10.86, 27.75, 57.85], brands: [['tp-link', 5573], ['altel', 1831], ['mercusys', 375], ['d-link', 291], ['asus', 103]] },
  { code: 'electronics.tablet', rows: 6457, price: [57.62, 185.16, 532.38], brands: [['samsung', 4078], ['apple', 716], ['lenovo', 683], ['huawei', 353], ['prestigio', 330]] },
  { code: 'accessories.bag', rows: 5748, price: [6.92, 16.18, 34.7], brands: [['transcend', 3268], ['samsung', 569], ['sumdex', 465], ['rivacase', 259], ['continent', 253]] },
  { code: 'electronics.clocks', rows: 5688, price: [34.7, 277.75, 532.38], brands: [['apple', 1924], ['samsung', 1869], ['elari', 655], ['huawei', 493], ['aimoto', 429]] },
  { code: 'appliances.environment.water_heater', rows: 5377, price: [80.76, 111.09, 138.87], brands: [['ariston', 2546], ['thermex', 1589], ['midea', 880], ['aqua', 134], ['canon', 68]] },
  { code: 'appliances.kitchen.meat_grinder', rows: 5306, price: [57.85, 111.09, 238.4], brands: [['moulinex', 1446], ['aksion', 756], ['neo', 603], ['philips', 493], ['kenwood', 486]] },
  { code: 'electronics.telephone', rows: 5143, price: [22.89, 31.0, 92.34], brands: [['panasonic', 2685], ['nokia', 1866], ['altex', 237], ['mart', 206], ['ruggear', 72]] },
  { code: 'stationery.cartrige', rows: 4679, price: [5.3, 8.77, 16.18], brands: [['epson', 2542], ['canon', 1113], ['hp', 780], ['nv-print', 111], ['samsung', 89]] },
  { code: 'appliances.kitchen.oven', rows: 4511, price: [273.13, 370.35, 578.68], brands: [['bosch', 1147], ['samsung', 1056], ['electrolux', 777], ['hansa', 545], ['beko', 337]] },
  { code: 'appliances.kitchen.mixer', rows: 4381, price: [16.18, 37.01, 81.0], brands: [['philips', 796], ['scarlett', 708], ['panasonic', 581], ['polaris', 579], ['maxwell', 545]] },
  { code: 'computers.peripherals.printer', rows: 4103, price: [101.6, 157.15, 266.18], brands: [['hp', 1820], ['epson', 1330], ['canon', 879], ['samsung', 49], ['kyocera', 18]] },
  { code: 'computers.components.hdd', rows: 3989, price: [23.13, 74.05, 138.87], brands: [['transcend', 1434], ['anymode', 575], ['samsung', 447], ['apple', 264], ['kingston', 177]] },
  { code: 'appliances.personal.hair_cutter', rows: 3940, price: [13.87, 32.38, 64.79], brands: [['philips', 1395], ['rowenta', 636], ['polaris', 557], ['scarlett', 501], ['remington', 363]] },
  { code: 'computers.peripherals.keyboard', rows: 3511, price: [11.55, 27.75, 94.88], brands: [['delux', 704], ['logitech', 556], ['genius', 361], ['hyperx', 292], ['bloody', 291]] },
  { code: 'appliances.ironing_board', rows: 3102, price: [20.81, 39.33, 104.14], brands: [['perilla', 1803], ['nika', 641], ['haushalt', 299], ['braun', 228], ['tefal', 87]] },
  { code: 'appliances.sewing_machine', rows: 2890, price: [115.72, 175.9, 231.46], brands: [['janome', 2319], ['jaguar', 203], ['singer', 196], ['aoki', 94], ['brother', 23]] },
  { code: 'appliances.personal.massager', rows: 2782, price: [18.5, 37.48, 69.42], brands: [['rowenta', 605], ['gezatone', 454], ['philips', 454], ['beurer', 349], ['scarlett', 192]] },
  { code: 'appliances.kitchen.dishwasher', rows: 2604, price: [305.53, 486.09, 648.13], brands: [['bosch', 698], ['electrolux', 448], ['beko', 422], ['hansa', 374], ['samsung', 216]] },
  { code: 'appliances.environment.fan', rows: 2174, price: [13.87, 20.81, 57.85], brands: [['polaris', 1371], ['ava', 583], ['neo', 165], ['tefal', 46], ['symphony', 5]] },
  { code: 'appliances.kitchen.toster', rows: 1976, price: [27.75, 34.7, 57.85], brands: [['philips', 702], ['bosch', 434], ['maxwell', 149], ['braun', 135], ['vitek', 135]] },
  { code: 'computers.peripherals.monitor', rows: 1963, price: [92.57, 178.01, 370.35], brands: [['samsung', 1056], ['hp', 304], ['asus', 207], ['lg', 166], ['sanc', 127]] },
  { code: 'appliances.kitchen.juicer', rows: 1949, price: [50.9, 106.46, 225.67], brands: [['moulinex', 508], ['braun', 212], ['scarlett', 212], ['kenwood', 205], ['neo', 124]] },
  { code: 'appliances.environment.air_heater', rows: 1816, price: [9.24, 34.7, 71.74], brands: [['ava', 1335], ['polaris', 389], ['tefal', 53], ['bork', 21], ['luxell', 8]] },
  { code: 'appliances.kitchen.coffee_machine', rows: 1684, price: [9.93, 41.64, 185.16], brands: [['peterhof', 314], ['delonghi', 281], ['rondell', 276], ['vitek', 214], ['philips', 208]] },
  { code: 'stationery.paper', rows: 1532, price: [2.06, 4.14, 6.69], brands: [['svetocopy', 425], ['delux', 419], ['epson', 216], ['zala', 100], ['deluxe', 58]] },
  { code: 'appliances.kitchen.grill', rows: 1520, price: [83.31, 231.46, 370.35], brands: [['tefal', 849], ['delonghi', 422], ['polaris', 107], ['bork', 51], ['bosch', 49]] },
  { code: 'computers.peripherals.joystick', rows: 1446, price: [42.34, 57.85, 77.75], brands: [['sony', 1153], ['x-game', 233], ['logitech', 27], ['nintendo', 14], ['trust', 8]] },
  { code: 'appliances.kitchen.coffee_grinder', rows: 1414, price: [18.5, 30.07, 46.27], brands: [['bosch', 360], ['ava', 298], ['polaris', 228], ['delonghi', 149], ['sencor', 145]] },
  { code: 'electronics.audio.microphone', rows: 1288, price: [6.92, 20.81, 127.29], brands: [['trust', 405], ['hyperx', 104], ['saramonic', 19], ['atom', 12], ['audac', 8]] },
  { code: 'medicine.tools.tonometer', rows: 1134, price: [32.38, 56.69, 92.57], brands: [['philips', 578], ['braun', 198], ['rowenta', 157], ['panasonic', 101], ['omron', 83]] },
  { code: 'electronics.audio.acoustic', rows: 899, price: [227.06, 340.49, 624.98], brands: [['sony', 487], ['lg', 341], ['jbl', 37], ['panasonic', 26], ['kicx', 6]] },
];

/** Rows of products with no category at all (the shifted rows): their prices, p10 / p50 / p90. */
export const UNCATEGORISED_PRICE = [4.14, 16.18, 57.87] as const;

/**
 * Rows per ISO weekday (1 = Monday) over the 12 whole weeks 2020-01-06..2020-03-29:
 * weekends sell 1.7x a weekday.
 */
export const WEEKDAY_ROWS = [68_137, 66_416, 62_223, 63_206, 83_084, 116_293, 111_008] as const;
