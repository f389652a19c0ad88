// Express 4 is installed under the alias "express4"; its API is typed by @types/express.
declare module 'express4' {
  import express from 'express'
  export default express
}

// Koa 2 is installed under the alias "koa2"; its API is typed by @types/koa.
declare module 'koa2' {
  import Koa from 'koa'
  export default Koa
}
