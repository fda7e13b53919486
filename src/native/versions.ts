/** The versions a native build pins: tfjs-node's, and the TensorFlow pip installs when the user has none. */
export const TFJS_NODE_VERSION = '4.22.0';
export const TENSORFLOW_PIP = 'tensorflow-cpu==2.21.0';
