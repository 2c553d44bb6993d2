/** Where a CoreApp finds its phone number and fencing epoch: environment first, then annotations. */
export const PHONE_NUMBER_ENV = ['WA_PHONE_NUMBER', 'WHATSAPP_PHONE_NUMBER', 'PHONE_NUMBER'];
export const EPOCH_ENV = ['BSP_FENCING_EPOCH', 'WA_FENCING_EPOCH', 'FENCING_EPOCH'];
export const EPOCH_ANNOTATIONS = ['bsp.io/fencing-epoch', 'whatsapp.bsp.io/epoch'];
