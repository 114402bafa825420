/**
 * Ports, airports and border crossings of the territories where demo seizures happen. Names and
 * UN/LOCODEs are those of real places (coordinates approximate); a place without a code we are
 * sure of has `unlocode: null` rather than a guess.
 */
export type Port = readonly [name: string, unlocode: string | null, latitude: number, longitude: number];

export interface Territory {
  name: string;
  city: string;
  /** Local currency for estimated values (ISO 4217). */
  currency: string;
  sea: readonly Port[];
  air: readonly Port[];
  border?: readonly Port[];
}

export const TERRITORIES: Record<string, Territory> = {
  // --- Caribbean members ---------------------------------------------------------------------
  JM: {
    name: 'Jamaica', city: 'Kingston', currency: 'JMD',
    sea: [['Kingston Freeport Terminal, Port of Kingston', 'JMKIN', 17.97, -76.83], ['Port of Montego Bay', 'JMMBJ', 18.47, -77.93]],
    air: [['Norman Manley International Airport, Kingston', 'JMKIN', 17.94, -76.79], ['Sangster International Airport, Montego Bay', 'JMMBJ', 18.5, -77.91]],
  },
  TT: {
    name: 'Trinidad and Tobago', city: 'Port of Spain', currency: 'TTD',
    sea: [['Port of Port of Spain', 'TTPOS', 10.65, -61.52], ['Point Lisas Industrial Port', null, 10.4, -61.49]],
    air: [['Piarco International Airport', 'TTPOS', 10.6, -61.34]],
  },
  BS: {
    name: 'The Bahamas', city: 'Nassau', currency: 'BSD',
    sea: [['Nassau Container Port, Arawak Cay', 'BSNAS', 25.08, -77.36], ['Freeport Container Port, Grand Bahama', 'BSFPO', 26.52, -78.77]],
    air: [['Lynden Pindling International Airport, Nassau', 'BSNAS', 25.04, -77.47], ['Grand Bahama International Airport', 'BSFPO', 26.56, -78.7]],
  },
  BB: {
    name: 'Barbados', city: 'Bridgetown', currency: 'BBD',
    sea: [['Bridgetown Port', 'BBBGI', 13.1, -59.63]],
    air: [['Grantley Adams International Airport', 'BBBGI', 13.07, -59.49]],
  },
  KY: {
    name: 'the Cayman Islands', city: 'George Town', currency: 'KYD',
    sea: [['George Town cargo port, Grand Cayman', 'KYGEC', 19.29, -81.38]],
    air: [['Owen Roberts International Airport', 'KYGEC', 19.29, -81.36]],
  },
  DO: {
    name: 'the Dominican Republic', city: 'Santo Domingo', currency: 'DOP',
    sea: [['Puerto Multimodal Caucedo', 'DOCAU', 18.42, -69.63], ['Puerto de Haina', 'DOHAI', 18.42, -70.01], ['Puerto de Puerto Plata', 'DOPOP', 19.8, -70.69]],
    air: [['Aeropuerto Internacional de Las Américas', 'DOSDQ', 18.43, -69.67], ['Aeropuerto Internacional de Punta Cana', 'DOPUJ', 18.57, -68.36]],
    border: [['Dajabón border crossing', null, 19.55, -71.71], ['Jimaní border crossing', null, 18.49, -71.85]],
  },
  HT: {
    name: 'Haiti', city: 'Port-au-Prince', currency: 'HTG',
    sea: [['Port of Port-au-Prince', 'HTPAP', 18.55, -72.35], ['Port of Cap-Haïtien', 'HTCAP', 19.76, -72.2]],
    air: [['Toussaint Louverture International Airport', 'HTPAP', 18.58, -72.29], ['Cap-Haïtien International Airport', 'HTCAP', 19.73, -72.19]],
    border: [['Ouanaminthe border crossing', null, 19.55, -71.73], ['Malpasse border crossing', null, 18.49, -71.87]],
  },
  GY: {
    name: 'Guyana', city: 'Georgetown', currency: 'GYD',
    sea: [['Port of Georgetown', 'GYGEO', 6.81, -58.16]],
    air: [['Cheddi Jagan International Airport, Timehri', 'GYGEO', 6.5, -58.25]],
    border: [['Lethem border crossing (Takutu bridge)', null, 3.38, -59.8]],
  },
  LC: {
    name: 'Saint Lucia', city: 'Castries', currency: 'XCD',
    sea: [['Port Castries', 'LCCAS', 14.01, -60.99], ['Port Vieux Fort', 'LCVIF', 13.72, -60.95]],
    air: [['Hewanorra International Airport', 'LCVIF', 13.73, -60.95], ['George F. L. Charles Airport', 'LCCAS', 14.02, -60.99]],
  },
  VC: {
    name: 'Saint Vincent and the Grenadines', city: 'Kingstown', currency: 'XCD',
    sea: [['Port Kingstown', 'VCKTN', 13.15, -61.23]],
    air: [['Argyle International Airport', 'VCKTN', 13.16, -61.15]],
  },
  KN: {
    name: 'Saint Kitts and Nevis', city: 'Basseterre', currency: 'XCD',
    sea: [['Port Zante, Basseterre', 'KNBAS', 17.29, -62.72]],
    air: [['Robert L. Bradshaw International Airport', 'KNBAS', 17.31, -62.72]],
  },
  AG: {
    name: 'Antigua and Barbuda', city: "St John's", currency: 'XCD',
    sea: [["St John's Deep Water Harbour", 'AGSJO', 17.13, -61.86]],
    air: [['V. C. Bird International Airport', 'AGSJO', 17.14, -61.79]],
  },
  GD: {
    name: 'Grenada', city: "St George's", currency: 'XCD',
    sea: [["St George's Port", 'GDSTG', 12.05, -61.75]],
    air: [['Maurice Bishop International Airport', 'GDSTG', 12.0, -61.79]],
  },
  DM: {
    name: 'Dominica', city: 'Roseau', currency: 'XCD',
    sea: [['Woodbridge Bay Port, Roseau', 'DMRSU', 15.31, -61.39]],
    air: [['Douglas-Charles Airport', null, 15.55, -61.3]],
  },
  CW: {
    name: 'Curaçao', city: 'Willemstad', currency: 'ANG',
    sea: [['Port of Willemstad', 'CWWIL', 12.11, -68.93]],
    air: [['Curaçao International Airport (Hato)', 'CWWIL', 12.19, -68.96]],
  },
  AW: {
    name: 'Aruba', city: 'Oranjestad', currency: 'AWG',
    sea: [['Port of Oranjestad', 'AWORJ', 12.52, -70.04], ['Barcadera harbour', null, 12.48, -70.0]],
    air: [['Queen Beatrix International Airport', 'AWORJ', 12.5, -70.01]],
  },
  SX: {
    name: 'Sint Maarten', city: 'Philipsburg', currency: 'ANG',
    sea: [['Port St. Maarten, Philipsburg', 'SXPHI', 18.02, -63.05]],
    air: [['Princess Juliana International Airport', 'SXPHI', 18.04, -63.11]],
  },
  TC: {
    name: 'the Turks and Caicos Islands', city: 'Providenciales', currency: 'USD',
    sea: [['South Dock, Providenciales', 'TCPLS', 21.74, -72.28], ['Grand Turk cargo port', 'TCGDT', 21.43, -71.15]],
    air: [['Providenciales International Airport', 'TCPLS', 21.77, -72.27]],
  },
  VG: {
    name: 'the British Virgin Islands', city: 'Road Town', currency: 'USD',
    sea: [['Port Purcell, Road Town', 'VGRAD', 18.42, -64.61]],
    air: [['Terrance B. Lettsome International Airport', null, 18.44, -64.54]],
  },
  AI: {
    name: 'Anguilla', city: 'The Valley', currency: 'XCD',
    sea: [['Blowing Point ferry terminal', null, 18.17, -63.09]],
    air: [['Clayton J. Lloyd International Airport', null, 18.2, -63.06]],
  },
  BM: {
    name: 'Bermuda', city: 'Hamilton', currency: 'BMD',
    sea: [['Port of Hamilton', 'BMHAM', 32.29, -64.78]],
    air: [['L. F. Wade International Airport', null, 32.36, -64.68]],
  },
  MS: {
    name: 'Montserrat', city: 'Brades', currency: 'XCD',
    sea: [['Little Bay port', null, 16.8, -62.21]],
    air: [['John A. Osborne Airport', null, 16.79, -62.19]],
  },
  // --- Latin American members ----------------------------------------------------------------
  BZ: {
    name: 'Belize', city: 'Belize City', currency: 'BZD',
    sea: [['Port of Belize, Belize City', 'BZBZE', 17.49, -88.19], ['Big Creek port', null, 16.52, -88.4]],
    air: [['Philip S. W. Goldson International Airport', 'BZBZE', 17.54, -88.31]],
    border: [['Santa Elena border crossing, Corozal', null, 18.48, -88.39]],
  },
  PA: {
    name: 'Panama', city: 'Colón', currency: 'USD',
    sea: [['Manzanillo International Terminal, Colón', 'PAMIT', 9.36, -79.88], ['Port of Balboa', 'PABLB', 8.95, -79.57]],
    air: [['Tocumen International Airport', 'PAPTY', 9.07, -79.38]],
    border: [['Paso Canoas border crossing', null, 8.53, -82.84]],
  },
  CO: {
    name: 'Colombia', city: 'Cartagena', currency: 'COP',
    sea: [['Puerto de Cartagena', 'COCTG', 10.4, -75.53], ['Puerto de Buenaventura', 'COBUN', 3.89, -77.07], ['Puerto de Santa Marta', 'COSMR', 11.24, -74.21], ['Puerto de Barranquilla', 'COBAQ', 10.96, -74.78]],
    air: [['Aeropuerto Internacional El Dorado, Bogotá', 'COBOG', 4.7, -74.15], ['Aeropuerto Internacional Rafael Núñez, Cartagena', 'COCTG', 10.44, -75.51]],
  },
  MX: {
    name: 'Mexico', city: 'Veracruz', currency: 'MXN',
    sea: [['Puerto de Veracruz', 'MXVER', 19.2, -96.13], ['Puerto de Manzanillo', 'MXZLO', 19.05, -104.32], ['Puerto de Lázaro Cárdenas', 'MXLZC', 17.94, -102.18]],
    air: [['Aeropuerto Internacional de Cancún', 'MXCUN', 21.04, -86.87], ['Aeropuerto Internacional de la Ciudad de México', 'MXMEX', 19.44, -99.07]],
    border: [['Nuevo Laredo border crossing', 'MXNLD', 27.5, -99.51]],
  },
  CR: {
    name: 'Costa Rica', city: 'Limón', currency: 'CRC',
    sea: [['Terminal de Contenedores de Moín, Limón', 'CRLIO', 10.0, -83.07]],
    air: [['Aeropuerto Internacional Juan Santamaría', 'CRSJO', 9.99, -84.2]],
    border: [['Peñas Blancas border crossing', null, 11.21, -85.61]],
  },
  GT: {
    name: 'Guatemala', city: 'Puerto Barrios', currency: 'GTQ',
    sea: [['Puerto Santo Tomás de Castilla', 'GTSTC', 15.7, -88.62], ['Puerto Quetzal', 'GTPRQ', 13.92, -90.78]],
    air: [['Aeropuerto Internacional La Aurora', 'GTGUA', 14.58, -90.53]],
  },
  HN: {
    name: 'Honduras', city: 'Puerto Cortés', currency: 'HNL',
    sea: [['Puerto Cortés', 'HNPCR', 15.84, -87.94]],
    air: [['Aeropuerto Internacional Ramón Villeda Morales, San Pedro Sula', 'HNSAP', 15.45, -87.92]],
  },
  SR: {
    name: 'Suriname', city: 'Paramaribo', currency: 'SRD',
    sea: [['Nieuwe Haven, Paramaribo', 'SRPBM', 5.82, -55.15]],
    air: [['Johan Adolf Pengel International Airport', 'SRPBM', 5.45, -55.19]],
  },
  // --- North America and Europe, and the territories their administrations cover ------------
  US: {
    name: 'the United States', city: 'Miami', currency: 'USD',
    sea: [['PortMiami', 'USMIA', 25.77, -80.17], ['Port Everglades', 'USPEF', 26.09, -80.12], ['Port of Jacksonville (JAXPORT)', 'USJAX', 30.4, -81.55]],
    air: [['Miami International Airport', 'USMIA', 25.8, -80.29], ['Fort Lauderdale-Hollywood International Airport', 'USFLL', 26.07, -80.15], ['John F. Kennedy International Airport, New York', 'USNYC', 40.64, -73.78]],
    border: [['Laredo port of entry', 'USLRD', 27.5, -99.5]],
  },
  PR: {
    name: 'Puerto Rico', city: 'San Juan', currency: 'USD',
    sea: [['Port of San Juan', 'PRSJU', 18.46, -66.1]],
    air: [['Luis Muñoz Marín International Airport', 'PRSJU', 18.44, -66.0]],
  },
  CA: {
    name: 'Canada', city: 'Montréal', currency: 'CAD',
    sea: [['Port of Montréal', 'CAMTR', 45.55, -73.53], ['Port of Halifax', 'CAHAL', 44.64, -63.57]],
    air: [['Toronto Pearson International Airport', 'CATOR', 43.68, -79.63], ['Montréal-Trudeau International Airport', 'CAMTR', 45.47, -73.74]],
  },
  GB: {
    name: 'the United Kingdom', city: 'London', currency: 'GBP',
    sea: [['Port of Felixstowe', 'GBFXT', 51.95, 1.31], ['Port of Southampton', 'GBSOU', 50.9, -1.43]],
    air: [['London Gatwick Airport', 'GBLGW', 51.15, -0.18], ['London Heathrow Airport', 'GBLHR', 51.47, -0.45]],
  },
  NL: {
    name: 'the Netherlands', city: 'Rotterdam', currency: 'EUR',
    sea: [['Port of Rotterdam, Maasvlakte', 'NLRTM', 51.95, 4.05], ['Port of Vlissingen', 'NLVLI', 51.44, 3.6]],
    air: [['Amsterdam Airport Schiphol', 'NLAMS', 52.31, 4.76]],
  },
  BQ: {
    name: 'Bonaire', city: 'Kralendijk', currency: 'USD',
    sea: [['Port of Kralendijk', 'BQKRA', 12.15, -68.28]],
    air: [['Flamingo International Airport', 'BQKRA', 12.13, -68.27]],
  },
  FR: {
    name: 'France', city: 'Le Havre', currency: 'EUR',
    sea: [['Port du Havre', 'FRLEH', 49.48, 0.11], ['Port de Dunkerque', 'FRDKK', 51.05, 2.35]],
    air: [['Paris-Orly Airport', 'FRORY', 48.73, 2.36], ['Paris-Charles de Gaulle Airport', 'FRCDG', 49.01, 2.55]],
  },
  MQ: {
    name: 'Martinique', city: 'Fort-de-France', currency: 'EUR',
    sea: [['Grand Port Maritime de la Martinique, Fort-de-France', 'MQFDF', 14.6, -61.07]],
    air: [['Aéroport Martinique Aimé Césaire', 'MQFDF', 14.59, -61.0]],
  },
  GP: {
    name: 'Guadeloupe', city: 'Pointe-à-Pitre', currency: 'EUR',
    sea: [['Port de Jarry, Pointe-à-Pitre', 'GPPTP', 16.23, -61.55]],
    air: [['Aéroport Guadeloupe Pôle Caraïbes', 'GPPTP', 16.27, -61.53]],
  },
  GF: {
    name: 'French Guiana', city: 'Cayenne', currency: 'EUR',
    sea: [['Port de Dégrad des Cannes', 'GFDDC', 4.85, -52.27]],
    air: [['Aéroport Cayenne Félix Éboué', 'GFCAY', 4.82, -52.36]],
  },
  ES: {
    name: 'Spain', city: 'Algeciras', currency: 'EUR',
    sea: [['Puerto de Algeciras', 'ESALG', 36.13, -5.44], ['Puerto de Valencia', 'ESVLC', 39.44, -0.32]],
    air: [['Aeropuerto Adolfo Suárez Madrid-Barajas', 'ESMAD', 40.49, -3.57]],
  },
};

/** Where each administration's seizures happen: FR and NL also cover Caribbean territories (domain.md §1.5). */
export const AGENCY_TERRITORIES: Record<string, readonly string[]> = {
  FR: ['MQ', 'GP', 'GF', 'FR'],
  NL: ['NL', 'BQ'],
  US: ['US', 'PR'],
};

/** Units of each currency per US dollar, approximately (as config/exchange-rates.yaml). */
export const PER_USD: Record<string, number> = {
  USD: 1, XCD: 2.7, BBD: 2, BSD: 1, BZD: 2, KYD: 0.833, AWG: 1.79, ANG: 1.79, BMD: 1, JMD: 157, TTD: 6.78, GYD: 209, SRD: 37,
  HTG: 131, DOP: 61, MXN: 18.5, COP: 4000, CRC: 505, GTQ: 7.7, HNL: 26.2, CAD: 1.39, EUR: 0.92, GBP: 0.78,
};
